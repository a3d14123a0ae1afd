using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Litiges.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UserInvitedAt : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "InvitedAt",
                table: "AspNetUsers",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "InvitedAt",
                table: "AspNetUsers");
        }
    }
}

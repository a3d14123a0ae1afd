using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Litiges.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class UserInvitedAt : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "InvitedAt",
                table: "AspNetUsers",
                type: "datetimeoffset",
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

// Please see documentation for https://aka.ms/razorpages for details on configuring bundling and minifying static web assets.

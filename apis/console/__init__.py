"""The operations console: the admin site, its dashboard, the viewer group and the admin's shared reads."""

"""Import users from XLSX or CSV: upload, preview with each row's errors, confirm."""

from app.admin.routes import bp  # noqa: F401  (the import routes live on the admin blueprint)

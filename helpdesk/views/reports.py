"""reports pages of the help desk."""

urlpatterns: list = []

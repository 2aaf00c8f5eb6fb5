"""staff API of the help desk."""

urlpatterns: list = []

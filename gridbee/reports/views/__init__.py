"""Report pages for partners: 随手拍 and their own reports, with the service worker that lets
them open offline (reporting). urls.py names each view."""

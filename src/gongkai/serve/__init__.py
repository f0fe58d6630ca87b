"""The web application: agencies file, the 政务公开办 reviews, everyone sees the corpus.

``gongkai.serve.app.create_app(db)`` builds the ASGI application; ``gongkai serve`` runs it.
Importing this package imports nothing heavy (``gongkai.store.schema`` imports
``gongkai.serve.tables``). See docs/serve.md.
"""

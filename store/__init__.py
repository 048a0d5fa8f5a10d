"""The metadata store: SQLAlchemy engine, declarative base, transactions, migrations."""

"""Alembic environment: migrations run on the connection `lca.registry.db` hands over (already in a
transaction that holds the database's migration lock), never on a URL of their own."""
from alembic import context

from lca.registry.models import Base

context.configure(connection=context.config.attributes["connection"], target_metadata=Base.metadata,
                  render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

"""PostgreSQL roles and grants: the database, not the app, decides who may do what."""

"""Reference data and accounts: provinces, institutions, disciplines, people, roles, sign-in
and who may see what. Above grants.core; below every part of a call's life."""

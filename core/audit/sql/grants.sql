-- Make the audit trail append-only for the application's database role (PostgreSQL).
--
-- The application may read the audit tables and add rows to them, never change or remove a row:
-- UPDATE, DELETE and TRUNCATE are revoked, SELECT and INSERT are granted. Run it after every
-- `manage.py migrate` that touches the audit app, as the role that owns the tables:
--
--   psql -v ON_ERROR_STOP=1 --single-transaction -v app_role=siges_app \
--        -d siges -f core/audit/sql/grants.sql
--
-- This only protects anything if the application role is neither the owner of these tables
-- (an owner may grant itself the privileges back) nor a superuser: migrate with a separate
-- owner role and serve the application with a role that only has the grants it needs.

-- Nobody gets rights on the trail by default.
REVOKE ALL ON TABLE audit_auditevent, audit_auditcheckpoint FROM PUBLIC;

-- The application role: read and append, nothing else.
REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER
    ON TABLE audit_auditevent, audit_auditcheckpoint
    FROM :"app_role";
GRANT SELECT, INSERT ON TABLE audit_auditevent, audit_auditcheckpoint TO :"app_role";

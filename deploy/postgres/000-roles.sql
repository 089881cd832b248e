-- Run once as a superuser: the owner role runs migrations, the gateway role is what every node
-- connects as. Passwords are set apart (ALTER ROLE … PASSWORD from the secrets store), never here.
CREATE ROLE ketenpoort_owner LOGIN;
CREATE ROLE ketenpoort_gateway LOGIN;
CREATE DATABASE ketenpoort OWNER ketenpoort_owner ENCODING 'UTF8' TEMPLATE template0;
\connect ketenpoort
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO ketenpoort_gateway;
GRANT ALL ON SCHEMA public TO ketenpoort_owner;

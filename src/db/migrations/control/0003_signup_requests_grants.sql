-- Pending sign-ups are written and claimed by the application role.
GRANT SELECT, INSERT, UPDATE, DELETE ON signup_requests TO subreg_app;

-- Password links are written and claimed by the application role.
GRANT SELECT, INSERT, UPDATE, DELETE ON password_resets TO subreg_app;

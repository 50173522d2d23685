-- Pending sign-ups are written and claimed by the application role.
GRANT SELECT, INSERT, UPDATE, DELETE ON signup_requests TO subreg_app;
--> statement-breakpoint
-- Password links are written and claimed by the application role.
GRANT SELECT, INSERT, UPDATE, DELETE ON password_resets TO subreg_app;

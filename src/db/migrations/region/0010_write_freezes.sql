CREATE TABLE "tenant_write_freezes" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"move_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE "list_versions" (
	"tenant_id" uuid NOT NULL,
	"list_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"published_at" timestamp with time zone NOT NULL,
	"effective_at" timestamp with time zone NOT NULL,
	"author_type" text NOT NULL,
	"author_id" text,
	"summary" text,
	"snapshot" jsonb NOT NULL,
	"changes" jsonb NOT NULL,
	"content_hash" text NOT NULL,
	CONSTRAINT "list_versions_tenant_id_list_id_number_pk" PRIMARY KEY("tenant_id","list_id","number"),
	CONSTRAINT "list_versions_number_check" CHECK ("list_versions"."number" >= 1)
);
--> statement-breakpoint
ALTER TABLE "list_versions" ADD CONSTRAINT "list_versions_list_fk" FOREIGN KEY ("tenant_id","list_id") REFERENCES "public"."lists"("tenant_id","id") ON DELETE no action ON UPDATE no action;
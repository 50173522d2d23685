CREATE TABLE "customers" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"organisation" text NOT NULL,
	"contract_reference" text,
	"authorisation" text NOT NULL,
	"notice_period_days" integer,
	"notify_by" text NOT NULL,
	"notes" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customers_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "customers_organisation_key" UNIQUE("tenant_id","organisation"),
	CONSTRAINT "customers_authorisation_check" CHECK ("customers"."authorisation" in ('general', 'specific')),
	CONSTRAINT "customers_notify_by_check" CHECK ("customers"."notify_by" in ('email', 'webhook', 'both')),
	CONSTRAINT "customers_notice_period_check" CHECK ("customers"."notice_period_days" is null or "customers"."notice_period_days" between 0 and 365)
);
--> statement-breakpoint
CREATE TABLE "change_approvals" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"notice_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"organisation" text NOT NULL,
	"effective_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by" text,
	"reason" text,
	"mail_status" text NOT NULL,
	"mailed_to" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"mail_attempts" integer DEFAULT 0 NOT NULL,
	"mail_error" text,
	"mailed_at" timestamp with time zone,
	CONSTRAINT "change_approvals_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "change_approvals_once_key" UNIQUE("tenant_id","notice_id","customer_id"),
	CONSTRAINT "change_approvals_status_check" CHECK ("change_approvals"."status" in ('requested', 'approved', 'refused')),
	CONSTRAINT "change_approvals_mail_status_check" CHECK ("change_approvals"."mail_status" in ('queued', 'sent', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "customer_id" uuid;--> statement-breakpoint
ALTER TABLE "change_approvals" ADD CONSTRAINT "change_approvals_customer_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_approvals" ADD CONSTRAINT "change_approvals_notice_fk" FOREIGN KEY ("tenant_id","notice_id") REFERENCES "public"."change_notices"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "change_approvals_customer_idx" ON "change_approvals" USING btree ("tenant_id","customer_id");--> statement-breakpoint
CREATE INDEX "change_approvals_mail_idx" ON "change_approvals" USING btree ("tenant_id","mail_status");--> statement-breakpoint
ALTER TABLE "subscribers" ADD CONSTRAINT "subscribers_customer_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "subscribers_customer_idx" ON "subscribers" USING btree ("tenant_id","customer_id");
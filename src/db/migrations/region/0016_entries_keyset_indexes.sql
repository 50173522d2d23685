DROP INDEX "entries_list_idx";--> statement-breakpoint
CREATE INDEX "entries_list_order_idx" ON "entries" USING btree ("tenant_id","list_id","position","id");--> statement-breakpoint
CREATE INDEX "entries_list_group_idx" ON "entries" USING btree ("tenant_id","list_id","group_name","position","id");
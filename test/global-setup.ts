// Placeholder: replaced by the database bootstrap for integration tests.
export default async function setup(): Promise<void> {}

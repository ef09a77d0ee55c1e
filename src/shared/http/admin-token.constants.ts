/** DI token of the resolved admin bearer token (from ADMIN_TOKEN or DATA_DIR/admin-token). */
export const ADMIN_TOKEN = Symbol('ADMIN_TOKEN');

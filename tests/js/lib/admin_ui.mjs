// The Admin UI tests' credentials: a bcrypt hash made once with bcryptjs (cost 4, to keep the
// tests quick): require('bcryptjs').hashSync('s3cret-admin', 4).
export const ADMIN_USER = 'admin'
export const ADMIN_PASSWORD = 's3cret-admin'
export const ADMIN_HASH = '$2a$04$aSX5RY6j0rBzf7KClr2SVORvEIz9OjQoql6ZQBmg3pgkP/ISRZpxC'

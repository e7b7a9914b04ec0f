-- Login lockout (design "Trust"): five consecutive wrong passwords lock an account for 15 minutes.
-- `failed_logins` (0001) counts the consecutive failures; `locked_until` is the end of the lock
-- (RFC 3339 with offset), NULL when the account was never locked or logged in since.
ALTER TABLE staff ADD COLUMN locked_until TEXT;

DROP TABLE IF EXISTS signing_key;
DROP TABLE IF EXISTS mail_preference;
DROP TABLE IF EXISTS outbox_message;

-- AlterTable
ALTER TABLE "Invitation" ADD COLUMN     "outboxMessageId" TEXT,
ADD COLUMN     "resentAt" TIMESTAMPTZ(3)[] DEFAULT ARRAY[]::TIMESTAMPTZ(3)[];

-- Invitation links used to be handed to the inviter. Those links die here, before any server of this
-- version answers. At startup the server gives each pending invitation a new link and mails it to the
-- invitee (SQL cannot seal mail under SECRETS_KEY). A retired hash is no SHA-256 of any token.
-- (No semicolons in comments: the PostgreSQL adapter runs the script statement by statement.)
UPDATE "Invitation" SET "tokenHash" = 'retired:' || "id" WHERE "status" = 'pending' AND "expiresAt" > now() AND "outboxMessageId" IS NULL;

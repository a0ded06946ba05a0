-- One display-name rule for every area: control characters and runs of whitespace become one space,
-- the name is trimmed and cut to its maximum, and an empty result becomes "unnamed". Rows the old rules
-- let through are rewritten. A rewritten name that would clash inside its unique scope gets " (2)", " (3)"
-- and so on (with part of the row id if even that is taken). Each organization's audit log records every
-- rename as "name.normalized" with the name before and after. (No semicolons inside a statement or a
-- comment here: the PostgreSQL migration runner splits the script on them.)

WITH cleaned AS (
  SELECT id, name, id AS scope_key, "createdAt", COALESCE(NULLIF(btrim(left(btrim(regexp_replace(name, '[[:space:]\x01-\x1f\x7f-\x9f]+', ' ', 'g')), 100)), ''), 'unnamed') AS clean
  FROM "User"
), ranked AS (
  SELECT *, row_number() OVER (PARTITION BY scope_key, clean ORDER BY (name = clean) DESC, "createdAt", id) AS n
  FROM cleaned
), proposed AS (
  SELECT *, CASE WHEN n = 1 THEN clean ELSE btrim(left(clean, 100 - length(' (' || n || ')'))) || ' (' || n || ')' END AS candidate
  FROM ranked
), renamed AS (
  SELECT p.*, CASE WHEN p.n > 1 AND (EXISTS (SELECT 1 FROM "User" o WHERE o.id = p.scope_key AND o.name = p.candidate) OR EXISTS (SELECT 1 FROM proposed q WHERE q.n = 1 AND q.scope_key = p.scope_key AND q.candidate = p.candidate AND q.id <> p.id)) THEN btrim(left(p.clean, 100 - length(' (' || p.n || '-' || left(p.id, 8) || ')'))) || ' (' || p.n || '-' || left(p.id, 8) || ')' ELSE p.candidate END AS after
  FROM proposed p
  WHERE p.name IS DISTINCT FROM p.candidate
), updated AS (
  UPDATE "User" t SET name = r.after FROM renamed r WHERE t.id = r.id RETURNING t.id, r.name AS before, r.after
)
SELECT count(*) FROM updated;

WITH cleaned AS (
  SELECT id, name, id AS scope_key, "createdAt", id AS org_id, COALESCE(NULLIF(btrim(left(btrim(regexp_replace(name, '[[:space:]\x01-\x1f\x7f-\x9f]+', ' ', 'g')), 100)), ''), 'unnamed') AS clean
  FROM "Organization"
), ranked AS (
  SELECT *, row_number() OVER (PARTITION BY scope_key, clean ORDER BY (name = clean) DESC, "createdAt", id) AS n
  FROM cleaned
), proposed AS (
  SELECT *, CASE WHEN n = 1 THEN clean ELSE btrim(left(clean, 100 - length(' (' || n || ')'))) || ' (' || n || ')' END AS candidate
  FROM ranked
), renamed AS (
  SELECT p.*, CASE WHEN p.n > 1 AND (EXISTS (SELECT 1 FROM "Organization" o WHERE o.id = p.scope_key AND o.name = p.candidate) OR EXISTS (SELECT 1 FROM proposed q WHERE q.n = 1 AND q.scope_key = p.scope_key AND q.candidate = p.candidate AND q.id <> p.id)) THEN btrim(left(p.clean, 100 - length(' (' || p.n || '-' || left(p.id, 8) || ')'))) || ' (' || p.n || '-' || left(p.id, 8) || ')' ELSE p.candidate END AS after
  FROM proposed p
  WHERE p.name IS DISTINCT FROM p.candidate
), updated AS (
  UPDATE "Organization" t SET name = r.after FROM renamed r WHERE t.id = r.id RETURNING t.id, r.name AS before, r.after, r.org_id
)
INSERT INTO "AuditEvent" (id, "orgId", action, "targetType", "targetId", details)
SELECT substr(g.h, 1, 8) || '-' || substr(g.h, 9, 4) || '-7' || substr(g.h, 14, 3) || '-' || substr('89ab', 1 + floor(random() * 4)::int, 1) || substr(g.h, 18, 3) || '-' || substr(g.h, 21, 12),
  u.org_id, 'name.normalized', 'organization', u.id, jsonb_build_object('before', u.before, 'after', u.after)
FROM updated u, LATERAL (SELECT lpad(to_hex(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || md5(random()::text || u.id) AS h) g;

WITH cleaned AS (
  SELECT id, name, "orgId" AS scope_key, "createdAt", "orgId" AS org_id, COALESCE(NULLIF(btrim(left(btrim(regexp_replace(name, '[[:space:]\x01-\x1f\x7f-\x9f]+', ' ', 'g')), 50)), ''), 'unnamed') AS clean
  FROM "Role"
), ranked AS (
  SELECT *, row_number() OVER (PARTITION BY scope_key, clean ORDER BY (name = clean) DESC, "createdAt", id) AS n
  FROM cleaned
), proposed AS (
  SELECT *, CASE WHEN n = 1 THEN clean ELSE btrim(left(clean, 50 - length(' (' || n || ')'))) || ' (' || n || ')' END AS candidate
  FROM ranked
), renamed AS (
  SELECT p.*, CASE WHEN p.n > 1 AND (EXISTS (SELECT 1 FROM "Role" o WHERE o."orgId" = p.scope_key AND o.name = p.candidate) OR EXISTS (SELECT 1 FROM proposed q WHERE q.n = 1 AND q.scope_key = p.scope_key AND q.candidate = p.candidate AND q.id <> p.id)) THEN btrim(left(p.clean, 50 - length(' (' || p.n || '-' || left(p.id, 8) || ')'))) || ' (' || p.n || '-' || left(p.id, 8) || ')' ELSE p.candidate END AS after
  FROM proposed p
  WHERE p.name IS DISTINCT FROM p.candidate
), updated AS (
  UPDATE "Role" t SET name = r.after FROM renamed r WHERE t.id = r.id RETURNING t.id, r.name AS before, r.after, r.org_id
)
INSERT INTO "AuditEvent" (id, "orgId", action, "targetType", "targetId", details)
SELECT substr(g.h, 1, 8) || '-' || substr(g.h, 9, 4) || '-7' || substr(g.h, 14, 3) || '-' || substr('89ab', 1 + floor(random() * 4)::int, 1) || substr(g.h, 18, 3) || '-' || substr(g.h, 21, 12),
  u.org_id, 'name.normalized', 'role', u.id, jsonb_build_object('before', u.before, 'after', u.after)
FROM updated u, LATERAL (SELECT lpad(to_hex(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || md5(random()::text || u.id) AS h) g;

WITH cleaned AS (
  SELECT id, name, "orgId" AS scope_key, "createdAt", "orgId" AS org_id, COALESCE(NULLIF(btrim(left(btrim(regexp_replace(name, '[[:space:]\x01-\x1f\x7f-\x9f]+', ' ', 'g')), 100)), ''), 'unnamed') AS clean
  FROM "Team"
), ranked AS (
  SELECT *, row_number() OVER (PARTITION BY scope_key, clean ORDER BY (name = clean) DESC, "createdAt", id) AS n
  FROM cleaned
), proposed AS (
  SELECT *, CASE WHEN n = 1 THEN clean ELSE btrim(left(clean, 100 - length(' (' || n || ')'))) || ' (' || n || ')' END AS candidate
  FROM ranked
), renamed AS (
  SELECT p.*, CASE WHEN p.n > 1 AND (EXISTS (SELECT 1 FROM "Team" o WHERE o."orgId" = p.scope_key AND o.name = p.candidate) OR EXISTS (SELECT 1 FROM proposed q WHERE q.n = 1 AND q.scope_key = p.scope_key AND q.candidate = p.candidate AND q.id <> p.id)) THEN btrim(left(p.clean, 100 - length(' (' || p.n || '-' || left(p.id, 8) || ')'))) || ' (' || p.n || '-' || left(p.id, 8) || ')' ELSE p.candidate END AS after
  FROM proposed p
  WHERE p.name IS DISTINCT FROM p.candidate
), updated AS (
  UPDATE "Team" t SET name = r.after FROM renamed r WHERE t.id = r.id RETURNING t.id, r.name AS before, r.after, r.org_id
)
INSERT INTO "AuditEvent" (id, "orgId", action, "targetType", "targetId", details)
SELECT substr(g.h, 1, 8) || '-' || substr(g.h, 9, 4) || '-7' || substr(g.h, 14, 3) || '-' || substr('89ab', 1 + floor(random() * 4)::int, 1) || substr(g.h, 18, 3) || '-' || substr(g.h, 21, 12),
  u.org_id, 'name.normalized', 'team', u.id, jsonb_build_object('before', u.before, 'after', u.after)
FROM updated u, LATERAL (SELECT lpad(to_hex(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || md5(random()::text || u.id) AS h) g;

WITH cleaned AS (
  SELECT id, name, "orgId" || ':' || type::text AS scope_key, "createdAt", "orgId" AS org_id, COALESCE(NULLIF(btrim(left(btrim(regexp_replace(name, '[[:space:]\x01-\x1f\x7f-\x9f]+', ' ', 'g')), 100)), ''), 'unnamed') AS clean
  FROM "ConfigObject"
), ranked AS (
  SELECT *, row_number() OVER (PARTITION BY scope_key, clean ORDER BY (name = clean) DESC, "createdAt", id) AS n
  FROM cleaned
), proposed AS (
  SELECT *, CASE WHEN n = 1 THEN clean ELSE btrim(left(clean, 100 - length(' (' || n || ')'))) || ' (' || n || ')' END AS candidate
  FROM ranked
), renamed AS (
  SELECT p.*, CASE WHEN p.n > 1 AND (EXISTS (SELECT 1 FROM "ConfigObject" o WHERE o."orgId" || ':' || o.type::text = p.scope_key AND o.name = p.candidate) OR EXISTS (SELECT 1 FROM proposed q WHERE q.n = 1 AND q.scope_key = p.scope_key AND q.candidate = p.candidate AND q.id <> p.id)) THEN btrim(left(p.clean, 100 - length(' (' || p.n || '-' || left(p.id, 8) || ')'))) || ' (' || p.n || '-' || left(p.id, 8) || ')' ELSE p.candidate END AS after
  FROM proposed p
  WHERE p.name IS DISTINCT FROM p.candidate
), updated AS (
  UPDATE "ConfigObject" t SET name = r.after FROM renamed r WHERE t.id = r.id RETURNING t.id, r.name AS before, r.after, r.org_id
)
INSERT INTO "AuditEvent" (id, "orgId", action, "targetType", "targetId", details)
SELECT substr(g.h, 1, 8) || '-' || substr(g.h, 9, 4) || '-7' || substr(g.h, 14, 3) || '-' || substr('89ab', 1 + floor(random() * 4)::int, 1) || substr(g.h, 18, 3) || '-' || substr(g.h, 21, 12),
  u.org_id, 'name.normalized', 'config_object', u.id, jsonb_build_object('before', u.before, 'after', u.after)
FROM updated u, LATERAL (SELECT lpad(to_hex(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || md5(random()::text || u.id) AS h) g;

WITH cleaned AS (
  SELECT id, name, "orgId" AS scope_key, "createdAt", "orgId" AS org_id, COALESCE(NULLIF(btrim(left(btrim(regexp_replace(name, '[[:space:]\x01-\x1f\x7f-\x9f]+', ' ', 'g')), 100)), ''), 'unnamed') AS clean
  FROM "Marketplace"
), ranked AS (
  SELECT *, row_number() OVER (PARTITION BY scope_key, clean ORDER BY (name = clean) DESC, "createdAt", id) AS n
  FROM cleaned
), proposed AS (
  SELECT *, CASE WHEN n = 1 THEN clean ELSE btrim(left(clean, 100 - length(' (' || n || ')'))) || ' (' || n || ')' END AS candidate
  FROM ranked
), renamed AS (
  SELECT p.*, CASE WHEN p.n > 1 AND (EXISTS (SELECT 1 FROM "Marketplace" o WHERE o."orgId" = p.scope_key AND o.name = p.candidate) OR EXISTS (SELECT 1 FROM proposed q WHERE q.n = 1 AND q.scope_key = p.scope_key AND q.candidate = p.candidate AND q.id <> p.id)) THEN btrim(left(p.clean, 100 - length(' (' || p.n || '-' || left(p.id, 8) || ')'))) || ' (' || p.n || '-' || left(p.id, 8) || ')' ELSE p.candidate END AS after
  FROM proposed p
  WHERE p.name IS DISTINCT FROM p.candidate
), updated AS (
  UPDATE "Marketplace" t SET name = r.after FROM renamed r WHERE t.id = r.id RETURNING t.id, r.name AS before, r.after, r.org_id
)
INSERT INTO "AuditEvent" (id, "orgId", action, "targetType", "targetId", details)
SELECT substr(g.h, 1, 8) || '-' || substr(g.h, 9, 4) || '-7' || substr(g.h, 14, 3) || '-' || substr('89ab', 1 + floor(random() * 4)::int, 1) || substr(g.h, 18, 3) || '-' || substr(g.h, 21, 12),
  u.org_id, 'name.normalized', 'marketplace', u.id, jsonb_build_object('before', u.before, 'after', u.after)
FROM updated u, LATERAL (SELECT lpad(to_hex(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || md5(random()::text || u.id) AS h) g;

WITH cleaned AS (
  SELECT id, name, "orgId" AS scope_key, "createdAt", "orgId" AS org_id, COALESCE(NULLIF(btrim(left(btrim(regexp_replace(name, '[[:space:]\x01-\x1f\x7f-\x9f]+', ' ', 'g')), 100)), ''), 'unnamed') AS clean
  FROM "Connector"
), ranked AS (
  SELECT *, row_number() OVER (PARTITION BY scope_key, clean ORDER BY (name = clean) DESC, "createdAt", id) AS n
  FROM cleaned
), proposed AS (
  SELECT *, CASE WHEN n = 1 THEN clean ELSE btrim(left(clean, 100 - length(' (' || n || ')'))) || ' (' || n || ')' END AS candidate
  FROM ranked
), renamed AS (
  SELECT p.*, CASE WHEN p.n > 1 AND (EXISTS (SELECT 1 FROM "Connector" o WHERE o."orgId" = p.scope_key AND o.name = p.candidate) OR EXISTS (SELECT 1 FROM proposed q WHERE q.n = 1 AND q.scope_key = p.scope_key AND q.candidate = p.candidate AND q.id <> p.id)) THEN btrim(left(p.clean, 100 - length(' (' || p.n || '-' || left(p.id, 8) || ')'))) || ' (' || p.n || '-' || left(p.id, 8) || ')' ELSE p.candidate END AS after
  FROM proposed p
  WHERE p.name IS DISTINCT FROM p.candidate
), updated AS (
  UPDATE "Connector" t SET name = r.after FROM renamed r WHERE t.id = r.id RETURNING t.id, r.name AS before, r.after, r.org_id
)
INSERT INTO "AuditEvent" (id, "orgId", action, "targetType", "targetId", details)
SELECT substr(g.h, 1, 8) || '-' || substr(g.h, 9, 4) || '-7' || substr(g.h, 14, 3) || '-' || substr('89ab', 1 + floor(random() * 4)::int, 1) || substr(g.h, 18, 3) || '-' || substr(g.h, 21, 12),
  u.org_id, 'name.normalized', 'connector', u.id, jsonb_build_object('before', u.before, 'after', u.after)
FROM updated u, LATERAL (SELECT lpad(to_hex(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || md5(random()::text || u.id) AS h) g;

WITH cleaned AS (
  SELECT id, name, "orgId" AS scope_key, "createdAt", "orgId" AS org_id, COALESCE(NULLIF(btrim(left(btrim(regexp_replace(name, '[[:space:]\x01-\x1f\x7f-\x9f]+', ' ', 'g')), 100)), ''), 'unnamed') AS clean
  FROM "Worker"
), ranked AS (
  SELECT *, row_number() OVER (PARTITION BY scope_key, clean ORDER BY (name = clean) DESC, "createdAt", id) AS n
  FROM cleaned
), proposed AS (
  SELECT *, CASE WHEN n = 1 THEN clean ELSE btrim(left(clean, 100 - length(' (' || n || ')'))) || ' (' || n || ')' END AS candidate
  FROM ranked
), renamed AS (
  SELECT p.*, CASE WHEN p.n > 1 AND (EXISTS (SELECT 1 FROM "Worker" o WHERE o."orgId" = p.scope_key AND o.name = p.candidate) OR EXISTS (SELECT 1 FROM proposed q WHERE q.n = 1 AND q.scope_key = p.scope_key AND q.candidate = p.candidate AND q.id <> p.id)) THEN btrim(left(p.clean, 100 - length(' (' || p.n || '-' || left(p.id, 8) || ')'))) || ' (' || p.n || '-' || left(p.id, 8) || ')' ELSE p.candidate END AS after
  FROM proposed p
  WHERE p.name IS DISTINCT FROM p.candidate
), updated AS (
  UPDATE "Worker" t SET name = r.after FROM renamed r WHERE t.id = r.id RETURNING t.id, r.name AS before, r.after, r.org_id
)
INSERT INTO "AuditEvent" (id, "orgId", action, "targetType", "targetId", details)
SELECT substr(g.h, 1, 8) || '-' || substr(g.h, 9, 4) || '-7' || substr(g.h, 14, 3) || '-' || substr('89ab', 1 + floor(random() * 4)::int, 1) || substr(g.h, 18, 3) || '-' || substr(g.h, 21, 12),
  u.org_id, 'name.normalized', 'worker', u.id, jsonb_build_object('before', u.before, 'after', u.after)
FROM updated u, LATERAL (SELECT lpad(to_hex(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || md5(random()::text || u.id) AS h) g;

WITH cleaned AS (
  SELECT id, name, "orgId" AS scope_key, "createdAt", "orgId" AS org_id, COALESCE(NULLIF(btrim(left(btrim(regexp_replace(name, '[[:space:]\x01-\x1f\x7f-\x9f]+', ' ', 'g')), 100)), ''), 'unnamed') AS clean
  FROM "LlmProvider"
), ranked AS (
  SELECT *, row_number() OVER (PARTITION BY scope_key, clean ORDER BY (name = clean) DESC, "createdAt", id) AS n
  FROM cleaned
), proposed AS (
  SELECT *, CASE WHEN n = 1 THEN clean ELSE btrim(left(clean, 100 - length(' (' || n || ')'))) || ' (' || n || ')' END AS candidate
  FROM ranked
), renamed AS (
  SELECT p.*, CASE WHEN p.n > 1 AND (EXISTS (SELECT 1 FROM "LlmProvider" o WHERE o."orgId" = p.scope_key AND o.name = p.candidate) OR EXISTS (SELECT 1 FROM proposed q WHERE q.n = 1 AND q.scope_key = p.scope_key AND q.candidate = p.candidate AND q.id <> p.id)) THEN btrim(left(p.clean, 100 - length(' (' || p.n || '-' || left(p.id, 8) || ')'))) || ' (' || p.n || '-' || left(p.id, 8) || ')' ELSE p.candidate END AS after
  FROM proposed p
  WHERE p.name IS DISTINCT FROM p.candidate
), updated AS (
  UPDATE "LlmProvider" t SET name = r.after FROM renamed r WHERE t.id = r.id RETURNING t.id, r.name AS before, r.after, r.org_id
)
INSERT INTO "AuditEvent" (id, "orgId", action, "targetType", "targetId", details)
SELECT substr(g.h, 1, 8) || '-' || substr(g.h, 9, 4) || '-7' || substr(g.h, 14, 3) || '-' || substr('89ab', 1 + floor(random() * 4)::int, 1) || substr(g.h, 18, 3) || '-' || substr(g.h, 21, 12),
  u.org_id, 'name.normalized', 'llm_provider', u.id, jsonb_build_object('before', u.before, 'after', u.after)
FROM updated u, LATERAL (SELECT lpad(to_hex(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || md5(random()::text || u.id) AS h) g;

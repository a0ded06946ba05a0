-- One display-name rule for every area: control characters and runs of whitespace become one space,
-- the name is trimmed and cut to its maximum; an empty result becomes "unnamed". Rows the old rules let
-- through are rewritten; a rewritten name that clashes inside its unique scope gets " (2)", " (3)"…
-- Each organization's audit log records every rename (action "name.normalized", before and after).

CREATE FUNCTION pg_temp.ow_display_name(raw text, max_len int) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT COALESCE(NULLIF(btrim(left(btrim(regexp_replace(raw, '[[:space:]\x01-\x1f\x7f-\x9f]+', ' ', 'g')), max_len)), ''), 'unnamed')
$$;

-- Audit ids are UUIDv7 like the application's, so the rename events sort by time.
CREATE FUNCTION pg_temp.ow_uuid7() RETURNS text
LANGUAGE sql VOLATILE AS $$
  SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-7' || substr(h, 14, 3) || '-' || substr('89ab', 1 + floor(random() * 4)::int, 1) || substr(h, 18, 3) || '-' || substr(h, 21, 12)
  FROM (SELECT lpad(to_hex(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || md5(random()::text) AS h) AS t
$$;

CREATE FUNCTION pg_temp.ow_normalize_names(tbl text, scope text, org text, target text, max_len int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  r record;
  clean text;
  candidate text;
  n int;
  taken boolean;
BEGIN
  FOR r IN EXECUTE format(
    'SELECT id, name, %s AS scope_key, %s AS org_id FROM %I WHERE name IS DISTINCT FROM pg_temp.ow_display_name(name, %s) ORDER BY "createdAt", id',
    scope, org, tbl, max_len)
  LOOP
    clean := pg_temp.ow_display_name(r.name, max_len);
    candidate := clean;
    n := 1;
    LOOP
      EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %s = $1 AND name = $2 AND id <> $3)', tbl, scope)
        INTO taken USING r.scope_key, candidate, r.id;
      EXIT WHEN NOT taken;
      n := n + 1;
      candidate := btrim(left(clean, max_len - length(' (' || n || ')'))) || ' (' || n || ')';
    END LOOP;
    EXECUTE format('UPDATE %I SET name = $1 WHERE id = $2', tbl) USING candidate, r.id;
    IF r.org_id IS NOT NULL THEN
      INSERT INTO "AuditEvent" (id, "orgId", action, "targetType", "targetId", details)
      VALUES (pg_temp.ow_uuid7(), r.org_id, 'name.normalized', target, r.id, jsonb_build_object('before', r.name, 'after', candidate));
    END IF;
  END LOOP;
END
$$;

-- Unique scopes follow the unique indexes; people and organizations have none (scope "id").
SELECT pg_temp.ow_normalize_names('User', 'id', 'NULL::text', 'user', 100);
SELECT pg_temp.ow_normalize_names('Organization', 'id', 'id', 'organization', 100);
SELECT pg_temp.ow_normalize_names('Role', '"orgId"', '"orgId"', 'role', 50);
SELECT pg_temp.ow_normalize_names('Team', '"orgId"', '"orgId"', 'team', 100);
SELECT pg_temp.ow_normalize_names('ConfigObject', '"orgId" || '':'' || type::text', '"orgId"', 'config_object', 100);
SELECT pg_temp.ow_normalize_names('Marketplace', '"orgId"', '"orgId"', 'marketplace', 100);
SELECT pg_temp.ow_normalize_names('Connector', '"orgId"', '"orgId"', 'connector', 100);
SELECT pg_temp.ow_normalize_names('Worker', '"orgId"', '"orgId"', 'worker', 100);
SELECT pg_temp.ow_normalize_names('LlmProvider', '"orgId"', '"orgId"', 'llm_provider', 100);

DROP FUNCTION pg_temp.ow_normalize_names(text, text, text, text, int);
DROP FUNCTION pg_temp.ow_display_name(text, int);
DROP FUNCTION pg_temp.ow_uuid7();

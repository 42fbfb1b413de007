"""PostgreSQL functions for who is signed in: users, sign-in sessions, approvals.

All SECURITY DEFINER (they run as the schema owner, whatever the caller may do) with a
fixed search_path, so a pos user's role needs no privilege on users, user_sessions or
approvals, and can only do what these functions check. Refusals are raised as
`pos:<ERROR_CODE>` with SQLSTATE P0001 and a human message in DETAIL; the unit of work
turns them into that PosError (pos.services.plumbing.uow.translate_error).

The user column of whatever these write comes from session_user, never from a parameter:
nobody can act or sign in someone else's name.
"""

from __future__ import annotations

_HEADER = "LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp"
_NOW = "(now() AT TIME ZONE 'UTC')"  # the app keeps naive UTC timestamps

IDENTITY_FUNCTIONS: tuple[str, ...] = (
    # -- who is asking ----------------------------------------------------------------
    """
    CREATE OR REPLACE FUNCTION pos_role_of(p_kind text) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT role_name FROM pos_db_roles WHERE kind = p_kind
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION pos_current_user_id() RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT id FROM users WHERE db_role = session_user AND active
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION pos_current_role() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT role FROM users WHERE db_role = session_user AND active
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION pos_session_counter() RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT s.counter_id FROM user_sessions s
         WHERE s.user_id = pos_current_user_id() AND s.ended_at IS NULL
         ORDER BY s.id DESC LIMIT 1
    $$
    """,
    # The owner (pos migrate, pos add-user) or a superuser: not a pos user, but may set up.
    """
    CREATE OR REPLACE FUNCTION pos_is_setup_session() RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT pos_current_user_id() IS NULL
           AND NOT EXISTS (SELECT 1 FROM users WHERE db_role = session_user)
           AND pg_has_role(session_user, pos_role_of('owner'), 'MEMBER')
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION pos_require_manager() RETURNS void {_HEADER} AS $$
    BEGIN
        IF pos_current_role() IS DISTINCT FROM 'manager' AND NOT pos_is_setup_session() THEN
            RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'pos:FORBIDDEN',
                DETAIL = 'Only an active manager can do that.';
        END IF;
    END $$
    """,
    # -- users --------------------------------------------------------------------------
    f"""
    CREATE OR REPLACE FUNCTION pos_create_user(p_username text, p_verifier text, p_role text)
    RETURNS integer {_HEADER} AS $$
    DECLARE
        v_role text := pos_user_role_name(p_username);
        v_group text := pos_role_of(p_role);
        v_id integer;
    BEGIN
        PERFORM pos_require_manager();
        IF p_role NOT IN ('clerk', 'manager') OR v_group IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'pos:VALIDATION_ERROR',
                DETAIL = 'Role must be clerk or manager.';
        END IF;
        IF p_verifier IS NOT NULL AND p_verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
            RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'pos:VALIDATION_ERROR',
                DETAIL = 'A password must reach the server as a SCRAM verifier.';
        END IF;
        IF EXISTS (SELECT 1 FROM users WHERE lower(username) = lower(btrim(p_username)))
           OR EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_role) THEN
            RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'pos:DUPLICATE',
                DETAIL = format('The user name %s is taken.', btrim(p_username));
        END IF;
        IF p_verifier IS NULL THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN IN ROLE %I', v_role, v_group);
        ELSE
            EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE %I',
                           v_role, p_verifier, v_group);
        END IF;
        INSERT INTO users (username, password_hash, role, active, failed_logins, created_at,
                           db_role, must_set_password)
        VALUES (btrim(p_username), '', p_role, true, 0, {_NOW}, v_role, p_verifier IS NULL)
        RETURNING id INTO v_id;
        RETURN v_id;
    END $$
    """,
    # A user row from before per-user roles (or from head office) gets its role here.
    f"""
    CREATE OR REPLACE FUNCTION pos_ensure_user_role(p_user_id integer) RETURNS text
    {_HEADER} AS $$
    DECLARE
        u users%ROWTYPE;
        v_role text;
    BEGIN
        PERFORM pos_require_manager();
        SELECT * INTO u FROM users WHERE id = p_user_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'pos:NOT_FOUND',
                DETAIL = 'User not found.';
        END IF;
        v_role := coalesce(u.db_role, pos_user_role_name(u.username));
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_role) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN IN ROLE %I', v_role, pos_role_of(u.role));
            UPDATE users SET db_role = v_role, must_set_password = true WHERE id = u.id;
        ELSIF u.db_role IS NULL THEN
            UPDATE users SET db_role = v_role WHERE id = u.id;
        END IF;
        RETURN v_role;
    END $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION pos_set_user_password(p_user_id integer, p_verifier text)
    RETURNS void {_HEADER} AS $$
    DECLARE u users%ROWTYPE;
    BEGIN
        PERFORM pos_require_manager();
        IF p_verifier IS NULL OR p_verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
            RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'pos:VALIDATION_ERROR',
                DETAIL = 'A password must reach the server as a SCRAM verifier.';
        END IF;
        PERFORM pos_ensure_user_role(p_user_id);
        SELECT * INTO u FROM users WHERE id = p_user_id FOR UPDATE;
        EXECUTE format('ALTER ROLE %I PASSWORD %L', u.db_role, p_verifier);
        IF u.active THEN
            EXECUTE format('ALTER ROLE %I LOGIN', u.db_role);
        END IF;
        UPDATE users SET must_set_password = false, failed_logins = 0, locked_until = NULL
         WHERE id = u.id;
    END $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION pos_set_user_active(p_user_id integer, p_active boolean)
    RETURNS void {_HEADER} AS $$
    DECLARE u users%ROWTYPE;
    BEGIN
        PERFORM pos_require_manager();
        IF p_user_id = pos_current_user_id() AND NOT p_active THEN
            RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'pos:VALIDATION_ERROR',
                DETAIL = 'You cannot deactivate or demote yourself.';
        END IF;
        PERFORM pos_ensure_user_role(p_user_id);
        SELECT * INTO u FROM users WHERE id = p_user_id FOR UPDATE;
        UPDATE users SET active = p_active WHERE id = u.id;
        IF p_active AND NOT u.must_set_password THEN
            EXECUTE format('ALTER ROLE %I LOGIN', u.db_role);
        ELSIF NOT p_active THEN
            EXECUTE format('ALTER ROLE %I NOLOGIN', u.db_role);
            UPDATE user_sessions SET ended_at = {_NOW}
             WHERE user_id = u.id AND ended_at IS NULL;
            -- Their open connections end now, not at their next sign-in.
            PERFORM pg_terminate_backend(pid) FROM pg_stat_activity
              WHERE usename = u.db_role AND pid <> pg_backend_pid();
        END IF;
    END $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION pos_set_user_role(p_user_id integer, p_role text)
    RETURNS void {_HEADER} AS $$
    DECLARE u users%ROWTYPE;
    BEGIN
        PERFORM pos_require_manager();
        IF p_role NOT IN ('clerk', 'manager') THEN
            RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'pos:VALIDATION_ERROR',
                DETAIL = 'Role must be clerk or manager.';
        END IF;
        IF p_user_id = pos_current_user_id() AND p_role <> 'manager' THEN
            RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'pos:VALIDATION_ERROR',
                DETAIL = 'You cannot deactivate or demote yourself.';
        END IF;
        PERFORM pos_ensure_user_role(p_user_id);
        SELECT * INTO u FROM users WHERE id = p_user_id FOR UPDATE;
        IF u.role <> p_role THEN
            -- Membership is checked at each statement: the change is live in open sessions.
            EXECUTE format('GRANT %I TO %I', pos_role_of(p_role), u.db_role);
            EXECUTE format('REVOKE %I FROM %I', pos_role_of(u.role), u.db_role);
            UPDATE users SET role = p_role WHERE id = u.id;
        END IF;
    END $$
    """,
    # -- approvals (store.auth.authorize) --------------------------------------------------
    f"""
    CREATE OR REPLACE FUNCTION pos_record_approval(p_token_hash text) RETURNS integer
    {_HEADER} AS $$
    DECLARE v_id integer := pos_current_user_id();
    BEGIN
        IF pos_current_role() IS DISTINCT FROM 'manager' THEN
            RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'pos:FORBIDDEN',
                DETAIL = 'Only a manager can approve this.';
        END IF;
        INSERT INTO approvals (token_hash, manager_id, created_at)
        VALUES (p_token_hash, v_id, {_NOW});
        RETURN v_id;
    END $$
    """,
    # An approval is good once, for five minutes, and never the caller's own.
    f"""
    CREATE OR REPLACE FUNCTION pos_use_approval(p_token_hash text, p_purpose text)
    RETURNS integer {_HEADER} AS $$
    DECLARE a approvals%ROWTYPE;
    BEGIN
        UPDATE approvals SET used_at = {_NOW}, used_for = left(p_purpose, 64)
         WHERE token_hash = p_token_hash AND used_at IS NULL
           AND created_at > {_NOW} - interval '5 minutes'
           AND EXISTS (SELECT 1 FROM users m WHERE m.id = approvals.manager_id
                                                AND m.active AND m.role = 'manager')
        RETURNING * INTO a;
        IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'pos:APPROVAL_REQUIRED',
                DETAIL = 'The manager''s approval is missing, used or expired; ask again.';
        END IF;
        RETURN a.manager_id;
    END $$
    """,
    # -- sign-in ----------------------------------------------------------------------------
    # Binds the caller to a counter. A clerk signing in where another user is still signed
    # in with goods in the counter's cart takes that sale over: that needs a manager's
    # approval, and the other user's sessions there end. Managers may open any cart.
    f"""
    CREATE OR REPLACE FUNCTION pos_sign_in(p_counter text, p_token_hash text,
                                           p_approval text)
    RETURNS TABLE (user_id integer, username text, role text, counter_id integer,
                   must_set_password boolean)
    {_HEADER} AS $$
    DECLARE
        u users%ROWTYPE;
        v_counter integer;
        v_approver integer;
    BEGIN
        SELECT * INTO u FROM users WHERE db_role = session_user AND active;
        IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'pos:NOT_AUTHENTICATED',
                DETAIL = 'Wrong user name or password.';
        END IF;
        IF p_counter IS NOT NULL THEN
            INSERT INTO counters (code, created_at, last_seen_at)
            VALUES (p_counter, {_NOW}, {_NOW})
            ON CONFLICT (code) DO UPDATE SET last_seen_at = excluded.last_seen_at
            RETURNING id INTO v_counter;
            PERFORM 1 FROM counters WHERE id = v_counter FOR UPDATE;
            IF u.role <> 'manager' AND EXISTS (SELECT 1 FROM user_sessions s
                        WHERE s.counter_id = v_counter AND s.ended_at IS NULL
                          AND s.user_id <> u.id)
               AND EXISTS (SELECT 1 FROM carts c JOIN cart_lines l ON l.cart_id = c.id
                            WHERE c.counter_id = v_counter AND c.status = 'open') THEN
                IF p_approval IS NULL THEN
                    RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'pos:APPROVAL_REQUIRED',
                        DETAIL = 'Another user is signed in at this counter with a sale in '
                                 'progress; a manager must approve taking it over.';
                END IF;
                v_approver := pos_use_approval(p_approval, 'counter takeover');
                UPDATE user_sessions SET ended_at = {_NOW}
                 WHERE user_sessions.counter_id = v_counter AND ended_at IS NULL;
            END IF;
        END IF;
        INSERT INTO user_sessions (token_hash, user_id, counter_id, approved_by, created_at)
        VALUES (p_token_hash, u.id, v_counter, v_approver, {_NOW});
        RETURN QUERY SELECT u.id, u.username::text, u.role::text, v_counter,
                            u.must_set_password;
    END $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION pos_sign_out(p_token_hash text) RETURNS void {_HEADER} AS $$
    BEGIN
        UPDATE user_sessions SET ended_at = {_NOW}
         WHERE token_hash = p_token_hash AND user_id = pos_current_user_id()
           AND ended_at IS NULL;
    END $$
    """,
)

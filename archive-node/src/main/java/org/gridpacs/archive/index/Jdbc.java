package org.gridpacs.archive.index;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;

/** Small JDBC helpers: binding positional parameters, single-value lookups, inserts returning their key. */
public final class Jdbc {
    private Jdbc() {
    }

    /**
     * Binds parameters in order. A null is bound untyped, which both H2 and PostgreSQL resolve from the column
     * it is compared with or assigned to; byte arrays as bytes; java.time values as the JDBC 4.2 types.
     */
    public static void bind(PreparedStatement ps, List<?> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            if (p == null) {
                ps.setNull(i + 1, Types.NULL);
            } else if (p instanceof byte[] b) {
                ps.setBytes(i + 1, b);
            } else {
                ps.setObject(i + 1, p);
            }
        }
    }

    public static void bind(PreparedStatement ps, Object... params) throws SQLException {
        bind(ps, java.util.Arrays.asList(params));
    }

    /** The first column of the first row as a long, or null when there is no row. */
    public static Long queryLong(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /** Runs an UPDATE or DELETE; returns the number of rows changed. */
    public static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        }
    }

    /** Runs an INSERT into a table whose first column is its generated key, and returns that key. */
    public static long insert(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            bind(ps, params);
            ps.executeUpdate();
            try (ResultSet rs = ps.getGeneratedKeys()) {
                if (!rs.next()) {
                    throw new SQLException("no generated key from: " + sql);
                }
                return rs.getLong(1);
            }
        }
    }
}

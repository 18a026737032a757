package org.gridpacs.archive.query;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A WHERE clause being built: SQL fragments joined with AND, and their parameters in order. */
final class Where {
    private final List<String> parts = new ArrayList<>();
    private final List<Object> params = new ArrayList<>();

    void add(String fragment, Object... values) {
        parts.add(fragment);
        params.addAll(Arrays.asList(values));
    }

    void add(Fragment f) {
        add(f.sql(), f.params().toArray());
    }

    String sql() {
        return parts.isEmpty() ? "" : " WHERE " + String.join(" AND ", parts);
    }

    List<Object> params() {
        return params;
    }

    /** One condition and its parameters. */
    record Fragment(String sql, List<Object> params) {
    }
}

package org.gridpacs.archive.index;

import java.sql.SQLException;

/**
 * An instance contradicts what the index already holds above it (its series belongs to another study): filing
 * it would hide it from queries on its own study. Refused, never retried.
 */
public class HierarchyConflictException extends SQLException {
    public HierarchyConflictException(String message) {
        super(message, "GP001");
    }
}

package org.gridpacs.archive.index;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A unit of work on one connection inside one transaction. It may run more than once (see
 * {@link IndexDatabase#inTransaction}), so it must not have effects outside the database that a retry would repeat.
 */
@FunctionalInterface
public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
}

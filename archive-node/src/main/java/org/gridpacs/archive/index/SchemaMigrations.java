package org.gridpacs.archive.index;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One module's share of the index schema: its numbered SQL scripts {@code V<n>__<what>.sql} in one class path
 * folder of that module, applied in order of {@code n} and recorded in a history table of the module's own
 * ({@code schema_history_<module>}). Each module numbers its scripts from 1, independently of the others.
 *
 * <p>{@code archive-node} owns the index and its own tables ({@link #ARCHIVE}); a higher module that keeps
 * tables in the index declares a {@code SchemaMigrations} of its own, and the composition root passes it to
 * {@link IndexDatabase#open(String, String, String, int, java.util.List)}. The archive's scripts always run
 * first, so a module's scripts may refer to the archive's tables.
 *
 * <p>Rules for a script: never edit or renumber one that has been released (Flyway keeps a checksum of each
 * and refuses to open an index whose applied scripts differ); keep to SQL that H2 and PostgreSQL both run.
 *
 * @param module      the module's name: lower case letters, digits and '_'; names the history table
 * @param folder      the class path folder holding the scripts, e.g. {@code org/gridpacs/archive/index/db}
 * @param classLoader the loader that sees that folder (the module's own)
 */
public record SchemaMigrations(String module, String folder, ClassLoader classLoader) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,40}");

    /** The archive's own tables: patient, study, series, instance, location. */
    public static final SchemaMigrations ARCHIVE =
            of("archive", IndexDatabase.class, "org/gridpacs/archive/index/db");

    public SchemaMigrations {
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(classLoader, "classLoader");
        if (!NAME.matcher(module).matches()) {
            throw new IllegalArgumentException("module name not [a-z][a-z0-9_]*: " + module);
        }
        if (folder.isEmpty() || folder.startsWith("/") || folder.endsWith("/")) {
            throw new IllegalArgumentException("class path folder without leading or trailing '/' expected: " + folder);
        }
    }

    /** The scripts in {@code folder}, seen by the class loader of {@code anchor} (a class of the module). */
    public static SchemaMigrations of(String module, Class<?> anchor, String folder) {
        return new SchemaMigrations(module, folder, anchor.getClassLoader());
    }

    /** The table in which the scripts applied are recorded. */
    public String historyTable() {
        return "schema_history_" + module;
    }
}

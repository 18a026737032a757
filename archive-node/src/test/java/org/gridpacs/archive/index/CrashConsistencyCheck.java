package org.gridpacs.archive.index;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.gridpacs.dicom.data.DataSet;

/**
 * Not a test: does H2 recover its transactions whole after kill -9 with these settings? Kills a child process
 * that inserts instances from 16 threads (as 16 associations would) at a random moment, opens the index again
 * and checks it: study and series counts against the instance rows, a location for every instance, and an update
 * of every row of every table, which goes through all its indexes. Repeats on fresh databases and prints how many
 * kills left an inconsistent index. With {@link IndexDatabase#H2_SETTINGS} (WRITE_DELAY=0) none should (0 of
 * 20 on 2026-11-21); H2 2.3.232 with its default write delay left 5 of 23 inconsistent.
 * <pre>
 * java -cp "archive-node/target/test-classes:archive-node/target/classes:$(cat archive-node/target/test-classpath.txt)" \
 *     org.gridpacs.archive.index.CrashConsistencyCheck 10 ";LOCK_TIMEOUT=10000"
 * </pre>
 * Arguments: number of kills (default 10), H2 URL suffix (default {@link IndexDatabase#H2_SETTINGS}).
 */
public final class CrashConsistencyCheck {
    private static final int THREADS = 16;

    private CrashConsistencyCheck() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            insertUntilKilled(Path.of(args[1]), args[2]);
            return;
        }
        int kills = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        String settings = args.length > 1 ? args[1] : IndexDatabase.H2_SETTINGS;
        Random random = new Random();
        int inconsistent = 0;
        for (int k = 0; k < kills; k++) {
            Path dir = Files.createTempDirectory("crash-consistency");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    CrashConsistencyCheck.class.getName(), "child", dir.toString(), settings)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            Thread.sleep(1000 + random.nextInt(3000));
            child.destroyForcibly(); // SIGKILL
            child.waitFor(30, TimeUnit.SECONDS);
            List<String> problems = check(url(dir, settings));
            System.out.println("kill " + (k + 1) + ": " + (problems.isEmpty() ? "consistent" : problems));
            if (!problems.isEmpty()) {
                inconsistent++;
            }
            delete(dir);
        }
        System.out.println("settings \"" + settings + "\": " + inconsistent + " of " + kills
                + " kills left an inconsistent index");
    }

    private static String url(Path dir, String settings) {
        return "jdbc:h2:file:" + dir.toAbsolutePath().resolve("index") + settings;
    }

    private static void insertUntilKilled(Path dir, String settings) throws Exception {
        IndexDatabase db = IndexDatabase.open(url(dir, settings), "sa", "", THREADS + 4);
        SqlInstanceIndex index = new SqlInstanceIndex(db);
        for (int t = 0; t < THREADS; t++) {
            int me = t;
            Thread inserter = new Thread(() -> {
                TestInstances.Study study = new TestInstances.Study("P" + me % 4, "Patient^" + me % 4, null,
                        "9.9." + me, "20240101", "000000", "A" + me, null, List.of("CT"), Integer.MAX_VALUE);
                try {
                    for (int i = 0; ; i++) {
                        DataSet ds = study.instance(0, i);
                        index.insert(TestInstances.header(ds), TestInstances.object("k" + me + "-" + i), "CHECK");
                    }
                } catch (SQLException e) {
                    e.printStackTrace();
                    System.exit(3);
                }
            });
            inserter.start();
        }
        Thread.sleep(Long.MAX_VALUE);
    }

    private static List<String> check(String url) {
        List<String> problems = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                count(s, problems, "study counts off", "SELECT COUNT(*) FROM study st WHERE st.num_instances <> "
                        + "(SELECT COUNT(*) FROM series r JOIN instance i ON i.series_fk = r.pk WHERE r.study_fk = st.pk)");
                count(s, problems, "series counts off", "SELECT COUNT(*) FROM series r WHERE r.num_instances <> "
                        + "(SELECT COUNT(*) FROM instance i WHERE i.series_fk = r.pk)");
                count(s, problems, "instances without location", "SELECT COUNT(*) FROM instance i WHERE NOT EXISTS "
                        + "(SELECT 1 FROM location l WHERE l.instance_fk = i.pk)");
                for (String table : List.of("patient", "study", "series", "instance", "location")) {
                    try {
                        s.executeUpdate("UPDATE " + table + " SET pk = pk");
                    } catch (SQLException e) {
                        problems.add(table + ": " + e.getMessage().lines().findFirst().orElse(""));
                    }
                }
                c.rollback();
            }
        } catch (SQLException e) {
            problems.add("cannot open: " + e.getMessage().lines().findFirst().orElse(""));
        }
        return problems;
    }

    private static void count(Statement s, List<String> problems, String what, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            if (rs.getLong(1) != 0) {
                problems.add(rs.getLong(1) + " " + what);
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}

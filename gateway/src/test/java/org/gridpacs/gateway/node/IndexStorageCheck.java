package org.gridpacs.gateway.node;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.storage.Checksums;

/**
 * A node's index against its storage, read once the node has stopped: its data folder holds {@code index/} (H2)
 * and {@code storage/} (the file storage). Sound means: every location row of this storage is "OK" and names a
 * file that exists with the size and CRC-32C the row records; no temporary file (a name starting with ".") is
 * left; the study and series instance counts agree with the instance rows ({@link Result#problems}); and every
 * file in the storage is named by a row of this storage ({@link Result#unnamedFiles}, apart: the callers weigh
 * them differently). Rows of other storages (the copies a node of a cluster knows its peers hold) are listed, not
 * checked. Used after a clean stop by the kill test of one node and by the cluster's disaster test.
 */
public final class IndexStorageCheck {

    private IndexStorageCheck() {
    }

    /** One location row of the index. */
    public record Location(String sopInstanceUID, String storageId, String storageKey, long size, String checksum,
                           String status) {
    }

    /**
     * What the check found.
     *
     * @param instances   the SOP Instance UIDs of the index's instance rows
     * @param locations   every location row, other storages' included
     * @param soundCopies the SOP Instance UIDs with a sound copy in this storage
     * @param problems    every disagreement found but unnamed files, one line each
     * @param unnamedFiles the keys of the files in the storage that no location row of it names
     */
    public record Result(Set<String> instances, List<Location> locations, Set<String> soundCopies,
                         List<String> problems, List<String> unnamedFiles) {

        /** The location rows of {@code storageId}. */
        public List<Location> locationsOf(String storageId) {
            return locations.stream().filter(l -> l.storageId().equals(storageId)).toList();
        }
    }

    /** Checks the index in {@code dataDir}/index against {@code dataDir}/storage, whose id is {@code storageId}. */
    public static Result check(Path dataDir, String storageId) throws IOException, SQLException {
        Path storage = dataDir.resolve("storage");
        Set<String> instances = new HashSet<>();
        List<Location> locations = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try (IndexDatabase db = IndexDatabase.openH2(dataDir.resolve("index"))) {
            db.read(c -> {
                try (var ps = c.prepareStatement("SELECT i.sop_uid, l.storage_id, l.storage_key, l.object_size, "
                        + "l.checksum, l.status FROM location l JOIN instance i ON i.pk = l.instance_fk");
                     var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        locations.add(new Location(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                                rs.getString(5), rs.getString(6)));
                    }
                }
                try (var ps = c.prepareStatement("SELECT sop_uid FROM instance"); var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        instances.add(rs.getString(1));
                    }
                }
                if (count(c, "SELECT COUNT(*) FROM study s WHERE s.num_instances <> (SELECT COUNT(*) FROM series r "
                        + "JOIN instance i ON i.series_fk = r.pk WHERE r.study_fk = s.pk)") != 0
                        || count(c, "SELECT COUNT(*) FROM series r WHERE r.num_instances <> "
                        + "(SELECT COUNT(*) FROM instance i WHERE i.series_fk = r.pk)") != 0) {
                    problems.add("study or series instance counts disagree with the instance rows");
                }
                return null;
            });
        }

        Set<String> keys = new HashSet<>();
        List<String> unnamed = new ArrayList<>();
        Set<String> sound = new HashSet<>();
        for (Location l : locations) {
            if (!l.storageId().equals(storageId)) {
                continue; // a copy on another storage (a peer's), as this node knows it
            }
            String uid = l.sopInstanceUID();
            String key = l.storageKey();
            keys.add(key);
            int before = problems.size();
            if (!"OK".equals(l.status())) {
                problems.add(uid + ": location " + storageId + " " + key + " has status " + l.status());
            }
            Path file = storage.resolve(key);
            if (!Files.isRegularFile(file)) {
                problems.add(uid + ": the index names " + key + ", which does not exist");
                continue;
            }
            try {
                long size = Files.size(file);
                if (size != l.size()) {
                    problems.add(uid + ": " + key + " has " + size + " bytes, the index says " + l.size());
                }
                String crc = crc32c(file);
                if (!crc.equals(l.checksum())) {
                    problems.add(uid + ": " + key + " has checksum " + crc + ", the index says " + l.checksum());
                }
            } catch (IOException e) {
                problems.add(uid + ": " + e);
            }
            if (problems.size() == before) {
                sound.add(uid);
            }
        }
        if (Files.isDirectory(storage)) {
            try (Stream<Path> files = Files.walk(storage)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    String key = storage.relativize(f).toString().replace('\\', '/');
                    if (f.getFileName().toString().startsWith(".")) {
                        problems.add("temporary file left in storage: " + key);
                    } else if (!keys.contains(key)) {
                        unnamed.add(key);
                    }
                }
            }
        }
        return new Result(instances, locations, sound, problems, unnamed);
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The file's CRC-32C, as the storage records it ("crc32c:" and 8 hex digits). */
    public static String crc32c(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Checksums.measure(in).checksum();
        }
    }
}

package org.gridpacs.federation.audit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a local audit log back ({@link AuditLog}'s folder), oldest first, while a node may be appending to it:
 * only whole, intact records are returned; a torn record (a crash mid-write, or the write under way right now)
 * ends the reading of its segment.
 */
public final class AuditLogReader {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLogReader.class);
    private static final Pattern SEGMENT = Pattern.compile("audit-(\\d{6,})\\.log");

    private AuditLogReader() {
    }

    /**
     * The records of the folder whose time is within [since, until) and whose event is one of {@code events}
     * (every event when empty).
     *
     * @param since null for no lower bound
     * @param until null for no upper bound
     */
    public static List<AuditRecord> read(Path dir, Instant since, Instant until, Set<AuditEvent> events)
            throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no audit log folder");
        }
        List<AuditRecord> out = new ArrayList<>();
        for (Path segment : segments(dir)) {
            long offset = 0;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(segment))) {
                LogFormat.Frame f;
                while ((f = LogFormat.next(in)) != null) {
                    long at = offset;
                    offset += f.size();
                    if (since != null && f.epochMillis() < since.toEpochMilli()
                            || until != null && f.epochMillis() >= until.toEpochMilli()) {
                        continue;
                    }
                    String code = f.eventCode();
                    if (!events.isEmpty() && events.stream().noneMatch(e -> e.eventId().code().equals(code))) {
                        continue;
                    }
                    try {
                        out.add(new AuditRecord(segment, at, AuditXml.read(f.xml())));
                    } catch (IOException e) {
                        // intact framing, unreadable content: written by another version? say so, skip it
                        LOG.warn("Audit log {} at byte {}: {}", segment, at, e.getMessage());
                    }
                }
            } catch (LogFormat.Torn e) {
                LOG.debug("Audit log {}: {} at byte {} (ignored: a crash or a write under way)", segment,
                        e.getMessage(), offset);
            } catch (NoSuchFileException e) {
                // deleted by retention while we listed: its records are gone by policy
            }
        }
        return out;
    }

    /** Every record of the folder. */
    public static List<AuditRecord> readAll(Path dir) throws IOException {
        return read(dir, null, null, Set.of());
    }

    /** The segment files, oldest first. */
    static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> SEGMENT.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingInt(AuditLogReader::number)).toList();
        }
    }

    static int number(Path segment) {
        Matcher m = SEGMENT.matcher(segment.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException("not an audit segment: " + segment);
        }
        return Integer.parseInt(m.group(1));
    }

    static String segmentName(int number) {
        return String.format("audit-%06d.log", number);
    }
}

package org.gridpacs.gateway.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.gridpacs.federation.audit.ActiveParticipant;
import org.gridpacs.federation.audit.AuditCode;
import org.gridpacs.federation.audit.AuditEvent;
import org.gridpacs.federation.audit.AuditLogReader;
import org.gridpacs.federation.audit.AuditMessage;
import org.gridpacs.federation.audit.AuditRecord;
import org.gridpacs.federation.audit.AuditSettings;
import org.gridpacs.federation.audit.ParticipantObject;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pacs audit}: the federation's audit records (PS3.15 A.5 messages) of a time range, from the local audit
 * logs of the run folder. It reads the log files directly rather than asking a node over HTTP: an audit is looked
 * at when something went wrong, nodes stopped included; readers need no lock (a node appends meanwhile, only whole
 * records are read); and no HTTP endpoint has to serve patient identifiers. A cluster's members each write their
 * own log (var/cluster/NODE/audit): the records of all are merged by time.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"List the audit records of cross-site queries, transfers, exports (de-identified or not) and "
                + "refused associations, from the local audit logs (conf/audit.properties). They hold patient "
                + "identifiers: protected data."},
        footer = {"", "TIME: 2026-12-07, 2026-12-07T14:30 (this machine's time zone), 2026-12-07T14:30:00Z, or a "
                + "time ago: 30m, 2h, 7d.",
                "EVENT: query, transfer, export, security-alert, begin-transfer, deidentified (comma-separated).", "",
                "Examples:", "  pacs audit --since 2h", "  pacs audit --since 2026-12-01 --until 2026-12-07 --event "
                + "export,deidentified --json", "  pacs audit --since 1d --log /srv/pacs/var/cluster/node1/audit"})
final class AuditCommand implements Callable<Integer> {
    private static final Pattern AGO = Pattern.compile("(\\d+)\\s*(m|min|h|d)");
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);
    static final String DEIDENTIFIED = "deidentified";

    @Spec
    CommandSpec spec;

    @Option(names = "--since", required = true, paramLabel = "TIME", description = "Records from this time on.")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Records before this time (default: now and on).")
    String until;

    @Option(names = "--event", paramLabel = "EVENT", split = ",",
            description = "Only these events (query, transfer, export, security-alert, begin-transfer, deidentified).")
    List<String> events = new ArrayList<>();

    @Option(names = "--json", description = "One JSON array, every field of every record.")
    boolean json;

    @Option(names = "--log", paramLabel = "DIR", description = "An audit log folder (repeatable); default: those "
            + "of the run folder (var/audit, var/cluster/*/audit, as audit.log.dir says).")
    List<Path> logs = new ArrayList<>();

    /** For tests: the installation root, else -Dpacs.home, else the working folder. */
    Path home;

    @Override
    public Integer call() throws IOException {
        Instant now = Instant.now();
        Instant from = time("--since", since, now);
        Instant to = until == null ? null : time("--until", until, now);
        if (to != null && !to.isAfter(from)) {
            throw new UsageException("--until (" + to + ") must be after --since (" + from + ")");
        }
        Set<AuditEvent> wanted = EnumSet.noneOf(AuditEvent.class);
        boolean onlyDeidentified = false;
        for (String e : events) {
            if (e.trim().equalsIgnoreCase(DEIDENTIFIED)) {
                onlyDeidentified = true;
                continue;
            }
            try {
                wanted.add(AuditEvent.ofName(e));
            } catch (IllegalArgumentException ex) {
                throw new UsageException("--event: unknown event '" + e + "' (query, transfer, export, "
                        + "security-alert, begin-transfer, deidentified)");
            }
        }
        // "deidentified" adds the exports and transfers that went de-identified to the events named
        Set<AuditEvent> named = EnumSet.copyOf(wanted);
        if (onlyDeidentified) {
            wanted.addAll(EnumSet.of(AuditEvent.EXPORT, AuditEvent.INSTANCES_TRANSFERRED));
        }
        List<Path> dirs = logs.isEmpty() ? defaultLogs() : logs;
        List<AuditRecord> records = new ArrayList<>();
        for (Path d : dirs) {
            if (!Files.isDirectory(d)) {
                throw new UsageException("--log: " + d + " is not an audit log folder");
            }
            records.addAll(AuditLogReader.read(d, from, to, wanted));
        }
        if (onlyDeidentified) {
            records.removeIf(r -> !named.contains(r.message().event()) && !r.message().deidentified());
        }
        records.sort(Comparator.comparing(r -> r.message().time()));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(records).toPrettyString());
        } else {
            print(out, records, dirs.size() > 1);
            if (records.isEmpty()) {
                spec.commandLine().getErr().println("pacs audit: no records from " + from
                        + (to != null ? " until " + to : "") + " in " + dirs);
            }
        }
        out.flush();
        return 0;
    }

    /** A TIME argument; UsageException naming the option and the forms it takes. */
    static Instant time(String option, String text, Instant now) {
        String t = text.trim();
        Matcher ago = AGO.matcher(t.toLowerCase(Locale.ROOT));
        if (ago.matches()) {
            long n = Long.parseLong(ago.group(1));
            ChronoUnit unit = switch (ago.group(2)) {
                case "d" -> ChronoUnit.DAYS;
                case "h" -> ChronoUnit.HOURS;
                default -> ChronoUnit.MINUTES;
            };
            return now.minus(Duration.of(n, unit));
        }
        ZoneId zone = ZoneId.systemDefault();
        try {
            if (t.length() == 10) {
                return LocalDate.parse(t).atStartOfDay(zone).toInstant();
            }
            if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return OffsetDateTime.parse(t).toInstant();
            }
            return LocalDateTime.parse(t).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new UsageException(option + ": '" + text + "' is not a time (2026-12-07, 2026-12-07T14:30, "
                    + "2026-12-07T14:30:00Z, or a time ago: 30m, 2h, 7d)");
        }
    }

    /** The audit folders of the run folder: var/ (a node alone) and var/cluster/NODE (cluster members). */
    private List<Path> defaultLogs() throws IOException {
        Path root = home != null ? home : Path.of(System.getProperty("pacs.home", "."));
        Path conf = root.resolve("conf").resolve(AuditSettings.FILE);
        Path var = root.resolve("var");
        Set<Path> found = new LinkedHashSet<>();
        List<Path> dataDirs = new ArrayList<>();
        dataDirs.add(var);
        Path cluster = var.resolve("cluster");
        if (Files.isDirectory(cluster)) {
            try (Stream<Path> s = Files.list(cluster)) {
                s.filter(Files::isDirectory).sorted().forEach(dataDirs::add);
            }
        }
        for (Path data : dataDirs) {
            AuditSettings settings;
            try {
                settings = AuditSettings.read(conf, data);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            if (Files.isDirectory(settings.logDir())) {
                found.add(settings.logDir());
            }
        }
        if (found.isEmpty()) {
            throw new UsageException("no audit log under " + var + " (var/audit, var/cluster/*/audit); give --log DIR");
        }
        return new ArrayList<>(found);
    }

    private static void print(PrintWriter out, List<AuditRecord> records, boolean showLog) {
        List<String[]> rows = new ArrayList<>();
        rows.add(showLog ? new String[] {"TIME", "EVENT", "OUTCOME", "FROM", "TO", "WHAT", "LOG"}
                : new String[] {"TIME", "EVENT", "OUTCOME", "FROM", "TO", "WHAT"});
        for (AuditRecord r : records) {
            AuditMessage m = r.message();
            String[] row = {SHOWN.format(m.time()), m.event().cliName() + (m.deidentified() ? " (de-identified)" : ""),
                    outcome(m), who(m, AuditCode.SOURCE), who(m, AuditCode.DESTINATION), what(m),
                    showLog ? r.segment().getParent().toString() : null};
            rows.add(showLog ? row : java.util.Arrays.copyOf(row, 6));
        }
        int[] w = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(i == r.length - 1 ? r[i] : String.format("%-" + (w[i] + 2) + "s", r[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String outcome(AuditMessage m) {
        String o = m.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' ');
        return m.outcomeDescription() == null ? o : o + ": " + m.outcomeDescription();
    }

    private static String who(AuditMessage m, AuditCode role) {
        return m.participant(role).map(p -> p.aeTitle() + (p.host() != null ? "@" + p.host() : "")
                + (p.site() != null ? " (" + p.site() + ")" : "")).orElse("-");
    }

    private static String what(AuditMessage m) {
        List<String> parts = new ArrayList<>();
        m.patient().ifPresent(p -> parts.add("patient " + p.id()));
        List<ParticipantObject> studies = m.studies();
        if (studies.size() == 1) {
            parts.add("study " + studies.get(0).id());
        } else if (studies.size() > 1) {
            parts.add(studies.size() + " studies");
        }
        int instances = studies.stream().mapToInt(ParticipantObject::instances).sum();
        if (instances > 0) {
            parts.add(instances + (instances == 1 ? " instance" : " instances"));
        }
        for (ParticipantObject o : m.objects()) {
            if (o.typeCodeRole() == 24) {
                parts.add("C-FIND " + o.id());
            } else if (o.idType().equals(AuditCode.NODE_ID)) {
                parts.add(m.eventTypes().isEmpty() ? "node " + o.id()
                        : m.eventTypes().get(0).originalText() + ": " + o.id());
            }
        }
        return String.join(", ", parts);
    }

    static ArrayNode toJson(List<AuditRecord> records) {
        ObjectMapper json = new ObjectMapper();
        ArrayNode all = json.createArrayNode();
        for (AuditRecord r : records) {
            AuditMessage m = r.message();
            ObjectNode o = all.addObject();
            o.put("time", m.time().toString());
            o.put("event", m.event().cliName());
            o.put("eventId", m.event().eventId().code());
            o.put("action", String.valueOf(m.actionCode()));
            o.put("outcome", m.outcome().code());
            o.put("outcomeDescription", m.outcomeDescription());
            ArrayNode types = o.putArray("eventTypes");
            m.eventTypes().forEach(t -> types.addObject().put("code", t.code()).put("meaning", t.originalText()));
            o.put("auditSource", m.source().sourceId());
            o.put("site", m.source().enterpriseSiteId());
            ArrayNode ps = o.putArray("participants");
            for (ActiveParticipant p : m.participants()) {
                ps.addObject().put("role", p.role().originalText()).put("roleCode", p.role().code())
                        .put("aeTitle", p.aeTitle()).put("site", p.site()).put("host", p.host())
                        .put("requestor", p.requestor());
            }
            ArrayNode objects = o.putArray("objects");
            for (ParticipantObject p : m.objects()) {
                ObjectNode n = objects.addObject().put("id", p.id()).put("type", p.idType().originalText())
                        .put("typeCode", p.idType().code());
                if (p.name() != null) {
                    n.put("name", p.name());
                }
                if (!p.sopClasses().isEmpty()) {
                    ArrayNode sc = n.putArray("sopClasses");
                    p.sopClasses().forEach(c -> sc.addObject().put("uid", c.uid()).put("instances", c.instances()));
                    n.put("instances", p.instances());
                }
                if (!p.accessions().isEmpty()) {
                    ArrayNode a = n.putArray("accessionNumbers");
                    p.accessions().forEach(a::add);
                }
                if (p.anonymized() != null) {
                    n.put("anonymized", p.anonymized());
                }
                p.details().forEach(d -> n.put(d.type(), d.value()));
            }
            o.put("log", r.segment().toString());
            o.put("offset", r.offset());
        }
        return all;
    }
}

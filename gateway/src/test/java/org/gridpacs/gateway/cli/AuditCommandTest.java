package org.gridpacs.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

import org.gridpacs.federation.audit.ActiveParticipant;
import org.gridpacs.federation.audit.AuditCode;
import org.gridpacs.federation.audit.AuditLog;
import org.gridpacs.federation.audit.AuditMessages;
import org.gridpacs.federation.audit.Outcome;
import org.gridpacs.federation.audit.TransferAccumulator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine;

/** {@code pacs audit}: lists the records of the run folder's logs by time and event; bad arguments say why. */
class AuditCommandTest {
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";
    private static final ActiveParticipant A = new ActiveParticipant("FEDERATION", "site-a", "127.0.0.1", true,
            AuditCode.SOURCE);
    private static final ActiveParticipant B = new ActiveParticipant("PACS_B", "site-b", "127.0.0.2", false,
            AuditCode.DESTINATION);

    @TempDir
    Path home;
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    /** Two cluster members' logs: node1 a query 3 h ago and a transfer 1 h ago; node2 a de-identified export. */
    @BeforeEach
    void logs() throws Exception {
        try (AuditLog log = new AuditLog(home.resolve("var/cluster/node1/audit"), 1 << 20, 0, true)) {
            log.append(at(now.minus(3, ChronoUnit.HOURS)).query(A, B, "1.2.840.10008.5.1.4.1.2.2.1",
                    new byte[] {1}, null, Outcome.SUCCESS, null));
            TransferAccumulator t = at(now.minus(1, ChronoUnit.HOURS)).transfer(B, A, 'R');
            for (int i = 0; i < 120; i++) {
                t.add("PID-1", "DOE^JANE", "1.2.3.4", null, CT);
            }
            t.finish(null, log);
        }
        try (AuditLog log = new AuditLog(home.resolve("var/cluster/node2/audit"), 1 << 20, 0, true)) {
            TransferAccumulator e = at(now.minus(30, ChronoUnit.MINUTES)).export(A, B);
            e.add("PID-2", null, "1.2.3.5", null, CT);
            e.deidentified("1.2.3.5", "2.25.77", "Basic Application Confidentiality Profile");
            e.finish(null, log);
            log.append(at(now.minus(10, ChronoUnit.MINUTES)).securityAlert(AuditCode.NODE_AUTHENTICATION,
                    new ActiveParticipant("FEDERATION", "site-a", "127.0.0.1", false, AuditCode.APPLICATION),
                    new ActiveParticipant("EVIL", null, "127.0.0.9", true, AuditCode.SOURCE), "CN=EVIL",
                    "certificate revoked"));
        }
    }

    @Test
    void sinceListsTheRecordsOfEveryMemberByTime() {
        Cli.Result r = audit("--since", "2h");
        assertEquals(0, r.exitCode(), r.toString());
        String[] lines = r.out().split("\n");
        assertEquals(4, lines.length, r.out()); // header and three records, the query of 3 h ago left out
        assertTrue(lines[0].startsWith("TIME") && lines[0].contains("LOG"), lines[0]);
        assertTrue(lines[1].contains("transfer") && lines[1].contains("PACS_B@127.0.0.2 (site-b)")
                && lines[1].contains("patient PID-1, study 1.2.3.4, 120 instances"), lines[1]);
        assertTrue(lines[2].contains("export (de-identified)") && lines[2].contains("node2"), lines[2]);
        assertTrue(lines[3].contains("security-alert") && lines[3].contains("minor failure: certificate revoked")
                && lines[3].contains("Node Authentication: CN=EVIL"), lines[3]);

        Cli.Result all = audit("--since", "1d");
        assertEquals(5, all.out().split("\n").length, all.out());
    }

    @Test
    void untilEventAndJson() throws Exception {
        Cli.Result r = audit("--since", "1d", "--until", now.minus(20, ChronoUnit.MINUTES).toString(), "--event",
                "transfer,deidentified", "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(2, json.size(), r.out());
        assertEquals("transfer", json.get(0).path("event").asText());
        assertEquals("110104", json.get(0).path("eventId").asText());
        assertEquals(120, json.get(0).path("objects").get(0).path("instances").asInt());
        assertEquals("FEDERATION", json.get(0).path("participants").get(1).path("aeTitle").asText());
        assertEquals("export", json.get(1).path("event").asText());
        assertTrue(json.get(1).path("objects").get(0).path("anonymized").asBoolean());
        assertEquals("2.25.77", json.get(1).path("objects").get(0).path("DeidentifiedStudyInstanceUID").asText());

        Cli.Result one = audit("--since", "1d", "--event", "security-alert",
                "--log", home.resolve("var/cluster/node2/audit").toString());
        assertEquals(2, one.out().split("\n").length, one.out());
        assertTrue(!one.out().contains("LOG"), "one log: no LOG column");
    }

    @Test
    void badArgumentsGetAClearError() {
        Cli.Result r = audit("--since", "yesterday-ish");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--since: 'yesterday-ish' is not a time (2026-12-07"), r.err());

        r = audit("--since", "1h", "--until", "2h");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--until") && r.err().contains("must be after --since"), r.err());

        r = audit("--since", "1h", "--event", "delete");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--event: unknown event 'delete'"), r.err());

        r = audit();
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("Missing required option: '--since=TIME'"), r.err());

        r = audit("--since", "1h", "--log", home.resolve("nowhere").toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("is not an audit log folder"), r.err());

        r = run(home.resolve("empty"), "audit", "--since", "1h");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("no audit log under"), r.err());
    }

    private AuditMessages at(Instant t) {
        return new AuditMessages("site-a", "FEDERATION@node1", Clock.fixed(t, ZoneOffset.UTC));
    }

    private Cli.Result audit(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "audit";
        System.arraycopy(args, 0, all, 1, args.length);
        return run(home, all);
    }

    private static Cli.Result run(Path root, String... args) {
        CommandLine cl = PacsCommand.commandLine();
        ((AuditCommand) cl.getSubcommands().get("audit").getCommand()).home = root;
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Cli.Result(code, out.toString(), err.toString());
    }
}

package org.gridpacs.gateway.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pacs echo}: C-ECHO, the DICOM "ping". */
@Command(name = "echo",
        description = "Check that a DICOM peer answers (C-ECHO) and print the round-trip time.")
final class EchoCommand implements Callable<Integer> {

    @Mixin
    ScuOptions scu;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            description = "Send N C-ECHO requests on the association (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (repeat < 1) {
            throw new UsageException("--repeat must be at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        AAssociateRQ rq = scu.newRequest();
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.Verification,
                UID.ImplicitVRLittleEndian, UID.ExplicitVRLittleEndian));
        long t0 = System.nanoTime();
        int failures = 0;
        try (Association as = scu.connect(rq, null)) {
            long connected = System.nanoTime();
            out.printf("Association with %s established in %s%n", scu.peer, ms(connected - t0));
            for (int i = 0; i < repeat; i++) {
                long start = System.nanoTime();
                DimseResponse rsp = as.echo();
                long rtt = System.nanoTime() - start;
                out.printf("C-ECHO %s: %s, round trip %s%n", scu.peer, rsp.describe(), ms(rtt));
                if (!Status.isSuccess(rsp.status())) {
                    failures++;
                }
            }
        }
        return failures == 0 ? 0 : 1;
    }

    private static String ms(long nanos) {
        return String.format("%.1f ms", nanos / 1e6);
    }
}

package org.gridpacs.gateway.cli;

import java.io.EOFException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.gridpacs.dicom.io.DicomStreamException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pacs store}: C-STORE of files and folders, several associations in parallel. */
@Command(name = "store",
        description = {"Send DICOM files to a peer (C-STORE). Folders are searched recursively; files that are not "
                + "DICOM are skipped with a warning.",
                "Each file goes in its own transfer syntax when the peer accepts it, else converted to an uncompressed "
                        + "one the peer accepts (compressed files cannot be converted and fail).",
                "With --commit, then asks the peer for Storage Commitment of what was sent and waits for its answer: on "
                        + "the same association, or with --commit-port on a new association the peer opens to us (the "
                        + "peer must know our AE title's address). Prints each instance's result; exits with 1 when "
                        + "anything was not committed."})
final class StoreCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(StoreCommand.class);

    @Mixin
    ScuOptions scu;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "4",
            description = "Number of associations sending at the same time (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--progress", description = "Show the progress bar even when stderr is not a terminal.")
    boolean progress;

    @Option(names = "--commit", description = "After sending, request Storage Commitment (Push Model) of the "
            + "instances sent and wait for the result.")
    boolean commit;

    @Option(names = "--commit-port", paramLabel = "PORT", defaultValue = "0",
            description = "Listen on this port for the commitment result on a new association from the peer (called "
                    + "AE: our --calling-aet), releasing the requesting association at once; 0 waits for it on the "
                    + "requesting association (default: ${DEFAULT-VALUE}).")
    int commitPort;

    @Option(names = "--commit-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long to wait for the commitment result (default: ${DEFAULT-VALUE}).")
    int commitTimeout;

    @Parameters(paramLabel = "FILE|DIR", arity = "1..*", description = "DICOM files, or folders to search for them.")
    List<Path> inputs;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (commitPort < 0 || commitPort > 65535 || commitTimeout < 1) {
            throw new UsageException("--commit-port must be 0..65535 and --commit-timeout at least 1 second");
        }
        if (parallel < 1 || parallel > 64) {
            throw new UsageException("--parallel must be between 1 and 64, not " + parallel);
        }
        PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();
        int[] skipped = {0};
        StoreStats stats = new StoreStats();
        List<StoreFile> files = scan(skipped, stats);
        if (files.isEmpty() && stats.failedCount() == 0) {
            out.println("No DICOM files to send" + (skipped[0] > 0 ? " (" + skipped[0] + " skipped)" : ""));
            return 1;
        }
        int unreadable = stats.failedCount();
        ProgressBar bar = ProgressBar.wanted(progress)
                ? new ProgressBar(spec.commandLine().getErr(), files.size() + unreadable, stats.done::get, stats.bytes::get) : null;
        try {
            for (StorePlan.Batch batch : StorePlan.of(files)) {
                new StoreSender(scu, batch, parallel, stats).run();
            }
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
        stats.printSummary(out, files.size() + unreadable, skipped[0], System.nanoTime() - start);
        boolean committed = true;
        if (commit) {
            committed = requestCommitment(out, stats.sentInstances());
        }
        return stats.failedCount() == 0 && committed ? 0 : 1;
    }

    /** Storage Commitment of what was sent; true when all of it was committed. */
    private boolean requestCommitment(PrintWriter out, List<String[]> sent) throws Exception {
        if (sent.isEmpty()) {
            out.println("Storage commitment not requested: nothing was sent");
            return false;
        }
        CommitmentRequester.Report report = new CommitmentRequester(scu, commitPort,
                java.time.Duration.ofSeconds(commitTimeout)).request(sent);
        CommitmentRequester.print(out, report, sent.size());
        return report.allCommitted(sent.size());
    }

    /**
     * Reads the meta information of every file given or found; counts what is not DICOM in {@code skipped[0]} and
     * fails what cannot be read at all (permissions, I/O errors), since that is not the administrator's intent.
     */
    private List<StoreFile> scan(int[] skipped, StoreStats stats) throws IOException {
        List<StoreFile> files = new ArrayList<>();
        for (Path input : inputs) {
            if (!Files.exists(input)) {
                throw new UsageException("no such file or folder: " + input);
            }
            List<Path> paths;
            try (Stream<Path> s = Files.walk(input)) {
                paths = s.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path p : paths) {
                try {
                    files.add(StoreFile.probe(p));
                } catch (DicomStreamException | EOFException e) {
                    LOG.warn("Skipping {}: not a readable DICOM instance ({})", p, e.getMessage());
                    skipped[0]++;
                } catch (IOException e) {
                    stats.failed(new StoreFile(p, null, null, null, 0, 0), "cannot read the file: " + e.getMessage());
                }
            }
        }
        return files;
    }
}

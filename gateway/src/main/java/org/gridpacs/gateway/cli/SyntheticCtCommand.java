package org.gridpacs.gateway.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.gridpacs.gateway.synthetic.SyntheticCtSeries;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pacs synthetic-ct}: writes a synthetic CT series to try the archive with (no patient data needed). */
@Command(name = "synthetic-ct",
        description = "Write a synthetic 512x512 CT series (a water phantom with bone and lung inserts) as Part 10 files.")
final class SyntheticCtCommand implements Callable<Integer> {

    @Option(names = "--slices", paramLabel = "N", defaultValue = "300", description = "Number of slices (default: ${DEFAULT-VALUE}).")
    int slices;

    @Option(names = "--directory", required = true, paramLabel = "DIR", description = "Folder to write the files to.")
    Path directory;

    @Option(names = "--patient-id", paramLabel = "ID", defaultValue = "SYN0001", description = "Patient ID (default: ${DEFAULT-VALUE}).")
    String patientID;

    @Override
    public Integer call() throws Exception {
        if (slices < 1 || slices > 10_000) {
            throw new UsageException("--slices must be between 1 and 10000");
        }
        String study = SyntheticCtSeries.standard().write(directory, slices, patientID, "Phantom^" + patientID);
        System.out.printf("Wrote %d CT slices of study %s to %s%n", slices, study, directory);
        return 0;
    }
}

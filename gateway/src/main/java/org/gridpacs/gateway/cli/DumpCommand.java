package org.gridpacs.gateway.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.DataSetDump;
import org.gridpacs.dicom.io.DicomInputStream;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pacs dump}: a file's meta information and data set, one element per line. */
@Command(name = "dump", description = "Print the elements of DICOM files.")
final class DumpCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "DICOM files.")
    List<Path> files;

    @Option(names = "--max-lines", paramLabel = "N", defaultValue = "5000",
            description = "Print at most N lines per file (default: ${DEFAULT-VALUE}).")
    int maxLines;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        int failures = 0;
        for (Path file : files) {
            if (files.size() > 1) {
                out.println("# " + file);
            }
            try (InputStream raw = Files.newInputStream(file); DicomInputStream in = new DicomInputStream(raw)) {
                in.setBulkDataThreshold(4096); // pixel data is not worth loading to print "(Bulk data, ...)"
                DataSet fmi = in.readFileMetaInformation();
                if (fmi != null) {
                    out.println("# File Meta Information");
                    out.print(DataSetDump.dump(fmi, maxLines));
                }
                DataSet ds = in.readDataSet();
                out.println("# Data Set (" + in.transferSyntax() + ")");
                out.print(DataSetDump.dump(ds, maxLines));
            } catch (IOException e) {
                spec.commandLine().getErr().println("pacs dump: " + file + ": " + e.getMessage());
                failures++;
            }
        }
        out.flush();
        return failures == 0 ? 0 : 1;
    }
}

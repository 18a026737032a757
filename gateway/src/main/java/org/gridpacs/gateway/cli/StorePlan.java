package org.gridpacs.gateway.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.net.pdu.PresentationContext;

/**
 * Which presentation contexts to propose for a set of files, and how to split them over associations.
 *
 * <p>Like dcm4che's storescu, each (SOP class, transfer syntax) pair gets a context of its own rather than one
 * context listing several syntaxes: the acceptor then answers each syntax separately, so a file can go in its own
 * encoding whenever the peer takes it, and otherwise in a native syntax it was converted to. Explicit and implicit
 * VR little endian are always proposed as well: every storage SCP must take implicit VR little endian.
 *
 * <p>An association carries at most 128 presentation contexts (odd IDs 1..255), so SOP classes are packed into
 * batches of at most 128 contexts, each batch sent on its own associations.
 */
final class StorePlan {
    static final int MAX_CONTEXTS = 128;

    /** Files that share one set of presentation contexts. */
    record Batch(List<PresentationContext.RQ> contexts, List<StoreFile> files) {
    }

    private StorePlan() {
    }

    static List<Batch> of(List<StoreFile> files) {
        // SOP class -> transfer syntaxes to propose, in the order first seen
        Map<String, Set<String>> syntaxes = new LinkedHashMap<>();
        Map<String, List<StoreFile>> byClass = new LinkedHashMap<>();
        for (StoreFile f : files) {
            syntaxes.computeIfAbsent(f.sopClassUID(), c -> new LinkedHashSet<>()).add(f.transferSyntaxUID());
            byClass.computeIfAbsent(f.sopClassUID(), c -> new ArrayList<>()).add(f);
        }
        List<Batch> batches = new ArrayList<>();
        List<PresentationContext.RQ> contexts = new ArrayList<>();
        List<StoreFile> batchFiles = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : syntaxes.entrySet()) {
            Set<String> ts = e.getValue();
            ts.add(UID.ExplicitVRLittleEndian);
            ts.add(UID.ImplicitVRLittleEndian);
            if (contexts.size() + ts.size() > MAX_CONTEXTS && !contexts.isEmpty()) {
                batches.add(new Batch(contexts, batchFiles));
                contexts = new ArrayList<>();
                batchFiles = new ArrayList<>();
            }
            for (String t : ts) {
                if (contexts.size() < MAX_CONTEXTS) { // a single class with > 128 syntaxes: the rest fail as not accepted
                    contexts.add(new PresentationContext.RQ(2 * contexts.size() + 1, e.getKey(), t));
                }
            }
            batchFiles.addAll(byClass.get(e.getKey()));
        }
        if (!contexts.isEmpty()) {
            batches.add(new Batch(contexts, batchFiles));
        }
        return batches;
    }
}

package org.gridpacs.federation.query;

import java.util.function.Predicate;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.net.DimseException;

/** This site's own index, as the federated query asks it (the archive's query service, adapted by the gateway). */
@FunctionalInterface
public interface LocalIndex {
    /**
     * Gives each match of {@code keys} to {@code onMatch} until it returns false.
     *
     * @param findSopClassUid the C-FIND SOP class (Patient Root or Study Root)
     * @throws DimseException with the C-FIND status to answer: A900 for an identifier that does not fit the model,
     *                        Cxxx when the index cannot answer, 0122 for a model it does not offer
     */
    void find(String findSopClassUid, DataSet keys, Predicate<DataSet> onMatch) throws DimseException;
}

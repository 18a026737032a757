package org.gridpacs.dicom.data;

import java.util.ArrayList;

/** The value of an SQ element: its items, each a data set whose parent is the data set holding the sequence. */
public final class Sequence extends ArrayList<DataSet> {
    private final transient DataSet parent;

    Sequence(DataSet parent) {
        this.parent = parent;
    }

    /** Appends a new empty item and returns it. */
    public DataSet addItem() {
        DataSet item = new DataSet(parent);
        add(item);
        return item;
    }

    /** Items share the parent's Specific Character Set unless they declare their own. */
    public DataSet parent() {
        return parent;
    }
}

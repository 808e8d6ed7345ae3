package io.simfaasinfer.catalog;

/**
 * A catalog file that cannot be read or fails validation, or a look-up of a name the catalog
 * does not hold. The message is one line that names the file, the entry and the field where
 * that applies, e.g. {@code my-models.yaml: models.foo-7b.num_layers: expected a positive
 * integer, got -3}.
 */
public class CatalogException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CatalogException(String message) {
        super(message);
    }

    public CatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}

/** The Trainer component: transformed Examples and a TransformGraph in, a Model and its ModelRun out. */
package org.millrace.trainer.component;

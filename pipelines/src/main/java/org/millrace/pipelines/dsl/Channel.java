package org.millrace.pipelines.dsl;

import org.millrace.api.artifact.Artifact;
import org.millrace.api.artifact.ArtifactType;

/** A typed output of a node in the DSL, to wire into inputs of the same artifact type. */
public record Channel<A extends Artifact>(String node, String output, ArtifactType<A> type) {}

package org.millrace.trainer.component;

import java.nio.file.Path;
import org.millrace.trainer.backend.Backend;
import org.millrace.trainer.component.Backends;
import org.millrace.trainer.data.DenseData;
import org.millrace.trainer.dist.RingAllReduce;
import org.millrace.trainer.nn.Network;
import org.millrace.trainer.fit.Training;
import org.millrace.transform.graph.Graph;

/** One rank of a distributed Trainer: the network, optimizer and options the Trainer would build, trained over a ring. */
public final class TrainerRanks {
  private TrainerRanks() {}

  public static RankResult train(TrainerParams p, Path trainDir, Path evalDir, String graphJson, Path baseModel,
      RingAllReduce ring) throws Exception {
    DenseData train = DenseData.read(trainDir);
    DenseData eval = DenseData.read(evalDir);
    Graph graph = Graph.fromJson(graphJson);
    var shape = TrainerExecutor.Shape.of(p, train, graph);
    Backends.Selected selected = Backends.open(p.backend(), p.threadCount());
    try (Backend backend = selected.backend()) {
      Network net = new Network(shape.inputShape(), TrainerExecutor.layers(p, shape.outputs()));
      net.build(backend, p.batchSize());
      net.initialize(p.seed());
      if (baseModel != null) {
        TrainerExecutor.warmStart(net, baseModel, baseModel.toString(), backend);
      }
      Training.Result r = Training.runDistributed(net, shape.loss(), TrainerExecutor.optimizer(p, shape.steps(p, train)),
          train, eval, TrainerExecutor.options(p), ring);
      return new RankResult(net.values(), r, backend.description() + " (" + selected.reason() + ")");
    }
  }
}

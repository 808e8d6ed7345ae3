package io.simfaasinfer.spark;

import io.simfaasinfer.experiment.PointTask;
import io.simfaasinfer.experiment.SweepExecutor;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code sweep --executor spark}: the points as a Spark RDD, each run by {@link PointTask#run} on an
 * executor (which loads and validates its configuration there, with the same code as a local run),
 * the rows streamed back to the driver partition by partition and recorded as they come. The master
 * is {@code --spark-master}, else the one spark-submit set, else {@code local[*]}.
 */
public final class SparkSweepExecutor implements SweepExecutor {

    @Override
    public String name() {
        return "spark";
    }

    @Override
    public void run(List<PointTask> tasks, int jobs, String master, Consumer<PointTask.PointRow> onRow) {
        if (tasks.isEmpty()) {
            return;
        }
        SparkConf conf = new SparkConf().setAppName("simfaasinfer-sweep");
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        if (conf.get("spark.master").startsWith("local")) {
            conf.set("spark.ui.enabled", "false");
        }
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            int slices = Math.max(1, Math.min(tasks.size(), Math.max(jobs, sc.defaultParallelism()) * 2));
            JavaRDD<PointTask.PointRow> rows = sc.parallelize(tasks, slices).map(PointTask::run);
            Iterator<PointTask.PointRow> it = rows.toLocalIterator();
            while (it.hasNext()) {
                onRow.accept(it.next());
            }
        }
    }
}

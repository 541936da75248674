// The GUI's one job runner and the controllers built on it, on fake slow jobs (no LibTorch).
#include "gui/calibration_controller.h"
#include "gui/calibration_document.h"
#include "gui/evaluation_controller.h"
#include "gui/job_runner.h"
#include "gui/main_window.h"
#include "gui/model_load_controller.h"
#include "gui/session_controller.h"

#include "core/errors.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <thread>

using cs::app::JobRunner;

namespace {

// A gate a fake job waits at, without looking at its cancel flag: the job has passed its last
// check and will return its result whatever happens meanwhile. Opens by itself after 10 s so
// that a broken test cannot hang.
struct Gate {
    std::atomic<bool> open{false};
    std::atomic<bool> reached{false};
    void wait()
    {
        reached = true;
        QElapsedTimer t;
        t.start();
        while (!open && t.elapsed() < 10000)
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
};

// Cancels the job `job` (a runner or a controller) runs while it waits at `gate`, lets it go
// on and waits until it has ended.
template <class Job>
void cancelAtGate(Job& job, Gate& gate)
{
    QTRY_VERIFY(gate.reached.load());
    job.cancel();
    gate.open = true;
    QTRY_VERIFY(!job.isRunning());
}

// A slow job that reports progress, passes its last check, then waits at the gate.
auto slowJob(std::shared_ptr<Gate> gate, int value)
{
    return [gate, value](const cs::ProgressCallback& progress) {
        if (!progress(cs::ProgressInfo{"working", 0, 1, 0, {}}))
            throw cs::JobCancelled();
        gate->wait();
        return value;
    };
}

} // namespace

class TestJobRunner : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void deliversResult()
    {
        JobRunner runner(JobRunner::Policy::Refuse);
        QSignalSpy running(&runner, &JobRunner::runningChanged);
        int got = 0;
        const quint64 id = runner.start([](const cs::ProgressCallback&) { return 42; }, [&got](int v) { got = v; });
        QVERIFY(id != 0);
        QVERIFY(runner.isRunning());
        QTRY_COMPARE(got, 42);
        QVERIFY(!runner.isRunning());
        QCOMPARE(running.count(), 2);
    }

    // Partial results arrive on the GUI thread in order, before the result; those of a
    // superseded job are dropped, even when they were posted before it was superseded.
    void stagedJobHandsOverPartialsAndDropsSupersededOnes()
    {
        JobRunner runner(JobRunner::Policy::Supersede);
        QStringList events;
        const auto staged = [](std::shared_ptr<Gate> gate, int value) {
            return [gate, value](const cs::ProgressCallback&, const std::function<void(int)>& partial) {
                partial(value * 10 + 1);
                partial(value * 10 + 2);
                gate->wait();
                return value;
            };
        };
        const auto onPartial = [&events](int v) { events << QStringLiteral("partial %1").arg(v); };
        const auto onDone = [&events](int v) { events << QStringLiteral("done %1").arg(v); };

        auto gate = std::make_shared<Gate>();
        gate->open = true;
        QVERIFY(runner.startStaged<int>(staged(gate, 1), onPartial, onDone) != 0);
        QTRY_VERIFY(!runner.isRunning());
        QCOMPARE(events, (QStringList{QStringLiteral("partial 11"), QStringLiteral("partial 12"), QStringLiteral("done 1")}));

        // The first job posts its partials and waits; superseded before they are delivered.
        events.clear();
        auto first = std::make_shared<Gate>();
        auto second = std::make_shared<Gate>();
        runner.startStaged<int>(staged(first, 2), onPartial, onDone);
        while (!first->reached.load())
            std::this_thread::sleep_for(std::chrono::milliseconds(1)); // no event processed meanwhile
        runner.startStaged<int>(staged(second, 3), onPartial, onDone);
        first->open = true;
        second->open = true;
        QTRY_VERIFY(!runner.isRunning());
        QCOMPARE(events, (QStringList{QStringLiteral("partial 31"), QStringLiteral("partial 32"), QStringLiteral("done 3")}));
    }

    void refuseKeepsTheRunningJob()
    {
        JobRunner runner(JobRunner::Policy::Refuse);
        auto gate = std::make_shared<Gate>();
        QList<int> got;
        QVERIFY(runner.start(slowJob(gate, 1), [&got](int v) { got << v; }) != 0);
        QCOMPARE(runner.start(slowJob(gate, 2), [&got](int v) { got << v; }), quint64(0));
        gate->open = true;
        QTRY_VERIFY(!runner.isRunning());
        QCOMPARE(got, QList<int>{1});
    }

    void supersedeDropsTheOlderResultWithoutWaiting()
    {
        JobRunner runner(JobRunner::Policy::Supersede);
        auto first = std::make_shared<Gate>();
        auto second = std::make_shared<Gate>();
        QList<int> got;
        QSignalSpy cancelled(&runner, &JobRunner::cancelled);
        const quint64 a = runner.start(slowJob(first, 1), [&got](int v) { got << v; });
        QTRY_VERIFY(first->reached.load());
        QElapsedTimer t;
        t.start();
        const quint64 b = runner.start(slowJob(second, 2), [&got](int v) { got << v; });
        // The first job ignores its cancel flag at the gate: waiting for it would take 10 s.
        QVERIFY2(t.elapsed() < 1000, "start() waited for the superseded job");
        QVERIFY(b > a);
        QCOMPARE(runner.currentJob(), b);
        QVERIFY(runner.isRunning());
        first->open = true;
        QTRY_VERIFY(second->reached.load());
        second->open = true;
        QTRY_VERIFY(!runner.isRunning());
        QCOMPARE(got, QList<int>{2});
        QCOMPARE(cancelled.count(), 0); // superseded is not cancelled by the user
    }

    void supersededJobSeesItsCancelFlag()
    {
        JobRunner runner(JobRunner::Policy::Supersede);
        std::atomic<bool> stopped{false};
        QList<int> got;
        runner.start(
            [&stopped](const cs::ProgressCallback& progress) {
                QElapsedTimer t;
                t.start();
                while (t.elapsed() < 10000) {
                    if (!progress(cs::ProgressInfo{"spin", 0, 0, 0, {}})) {
                        stopped = true;
                        throw cs::JobCancelled();
                    }
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                }
                return 1;
            },
            [&got](int v) { got << v; });
        runner.start([](const cs::ProgressCallback&) { return 2; }, [&got](int v) { got << v; });
        QTRY_VERIFY(!runner.isRunning());
        QVERIFY(stopped.load());
        QCOMPARE(got, QList<int>{2});
    }

    void cancelDropsALateResult()
    {
        JobRunner runner(JobRunner::Policy::Supersede);
        auto gate = std::make_shared<Gate>();
        bool delivered = false;
        QSignalSpy cancelled(&runner, &JobRunner::cancelled);
        QSignalSpy failed(&runner, &JobRunner::failed);
        runner.start(slowJob(gate, 7), [&delivered](int) { delivered = true; });
        // Cancelled after its last check: the job returns its value, which is dropped.
        cancelAtGate(runner, *gate);
        QVERIFY(!delivered);
        QCOMPARE(cancelled.count(), 1);
        QCOMPARE(failed.count(), 0);
    }

    void staleProgressIsDropped()
    {
        JobRunner runner(JobRunner::Policy::Supersede);
        auto gate = std::make_shared<Gate>();
        QSignalSpy progress(&runner, &JobRunner::progressChanged);
        runner.start(
            [gate](const cs::ProgressCallback& report) {
                gate->wait();
                // Posted after the cancel: it describes a job the user no longer waits for.
                report(cs::ProgressInfo{"late", 1, 2, 0, {}});
                return 1;
            },
            [](int) {});
        cancelAtGate(runner, *gate);
        QTest::qWait(20);
        QCOMPARE(progress.count(), 0);
    }

    void progressIsThrottled()
    {
        JobRunner runner(JobRunner::Policy::Refuse);
        QSignalSpy progress(&runner, &JobRunner::progressChanged);
        constexpr int kSteps = 100000;
        runner.start(
            [](const cs::ProgressCallback& report) {
                for (int i = 1; i <= kSteps; ++i)
                    report(cs::ProgressInfo{"step", i, kSteps, 0, {}});
                return 0;
            },
            [](int) {});
        QTRY_VERIFY(!runner.isRunning());
        QVERIFY(progress.count() >= 1);
        QVERIFY2(progress.count() < 1000, qPrintable(QString::number(progress.count())));
        // The last step always arrives.
        const auto last = progress.last().at(0).value<cs::app::JobProgressInfo>();
        QCOMPARE(last.done, qint64(kSteps));
    }

    void exceptionTypes_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("message");
        QTest::addColumn<bool>("cancelled");
        QTest::addRow("CalibError") << 0 << QStringLiteral("model.pt: broken") << false;
        QTest::addRow("std::runtime_error") << 1 << QStringLiteral("ctx: first line") << false;
        QTest::addRow("std::logic_error") << 2 << QStringLiteral("ctx: logic") << false;
        QTest::addRow("int") << 3 << QStringLiteral("ctx: unknown error") << false;
        QTest::addRow("JobCancelled") << 4 << QString() << true;
    }

    void exceptionTypes()
    {
        QFETCH(int, kind);
        QFETCH(QString, message);
        QFETCH(bool, cancelled);
        JobRunner runner(JobRunner::Policy::Refuse);
        QSignalSpy failedSpy(&runner, &JobRunner::failed);
        QSignalSpy cancelledSpy(&runner, &JobRunner::cancelled);
        bool delivered = false;
        runner.start(
            [kind](const cs::ProgressCallback&) -> int {
                switch (kind) {
                case 0: throw cs::CalibError("model.pt", "broken");
                case 1: throw std::runtime_error("first line\nstack trace");
                case 2: throw std::logic_error("logic");
                case 3: throw 3;
                default: throw cs::JobCancelled();
                }
            },
            [&delivered](int) { delivered = true; }, QStringLiteral("ctx"));
        QTRY_VERIFY(!runner.isRunning());
        QVERIFY(!delivered);
        QCOMPARE(cancelledSpy.count(), cancelled ? 1 : 0);
        QCOMPARE(failedSpy.count(), cancelled ? 0 : 1);
        if (!cancelled)
            QCOMPARE(failedSpy.first().at(0).toString(), message);
    }

    // The controllers on the runner.

    void calibrationCancelledAfterItsLastCheckNeverDelivers()
    {
        cs::app::CalibrationController controller;
        auto gate = std::make_shared<Gate>();
        controller.setJob([gate](const cs::CalibrationConfig&, const cs::ProgressCallback& progress, cs::ObserverBank*) {
            if (!progress(cs::ProgressInfo{"calibrating", 0, 1, 0, {}}))
                throw cs::JobCancelled();
            gate->wait();
            return cs::CalibrationResult{};
        });
        QSignalSpy available(&controller, &cs::app::CalibrationController::calibrationAvailable);
        QSignalSpy cancelled(&controller, &cs::app::CalibrationController::calibrationCancelled);
        controller.start(cs::CalibrationConfig{}, cs::app::CalibrationController::Purpose::Rerun);
        cancelAtGate(controller, *gate);
        QCOMPARE(available.count(), 0);
        QCOMPARE(cancelled.count(), 1);
        QCOMPARE(cancelled.first().at(0).value<cs::app::CalibrationController::Purpose>(),
                 cs::app::CalibrationController::Purpose::Rerun);
    }

    void calibrationNeverReplacesAnOpenedSession()
    {
        // The user opens a session while a calibration runs: the calibration is cancelled and
        // must not replace what the session brings, even though it finishes its work.
        cs::app::MainWindow window;
        auto gate = std::make_shared<Gate>();
        window.calibrations()->setJob([gate](const cs::CalibrationConfig&, const cs::ProgressCallback& progress, cs::ObserverBank*) {
            if (!progress(cs::ProgressInfo{"calibrating", 0, 1, 0, {}}))
                throw cs::JobCancelled();
            gate->wait();
            return cs::CalibrationResult{};
        });
        QSignalSpy finished(&window, &cs::app::MainWindow::calibrationFinished);
        window.calibrations()->start(cs::CalibrationConfig{}, cs::app::CalibrationController::Purpose::Calibrate);
        QTRY_VERIFY(gate->reached.load());
        window.openSession(QStringLiteral("/nonexistent/session.cscope"));
        gate->open = true;
        QTRY_VERIFY(!window.calibrations()->isRunning());
        QTRY_VERIFY(!window.sessions()->isBusy());
        QCOMPARE(finished.count(), 0);
        QVERIFY(!window.document()->hasResult());
    }

    void modelLoadErrorsOfAnyTypeAreSignalled_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addRow("std::runtime_error") << 0;
        QTest::addRow("std::bad_alloc") << 1;
        QTest::addRow("int") << 2;
    }

    void modelLoadErrorsOfAnyTypeAreSignalled()
    {
        QFETCH(int, kind);
        cs::app::ModelLoadController controller;
        QSignalSpy failed(&controller, &cs::app::ModelLoadController::failed);
        QSignalSpy loaded(&controller, &cs::app::ModelLoadController::loaded);
        controller.start(
            [kind](const cs::ProgressCallback&) -> cs::app::ModelLoadResult {
                if (kind == 0)
                    throw std::runtime_error("torch says no");
                if (kind == 1)
                    throw std::bad_alloc();
                throw 1;
            },
            QStringLiteral("m.pt"));
        QTRY_VERIFY(!controller.isRunning());
        QCOMPARE(loaded.count(), 0);
        QCOMPARE(failed.count(), 1);
        QVERIFY(failed.first().at(0).toString().startsWith(QStringLiteral("m.pt: loading failed: ")));
    }

    void modelLoadSupersedesWithoutWaiting()
    {
        cs::app::ModelLoadController controller;
        auto first = std::make_shared<Gate>();
        QSignalSpy loaded(&controller, &cs::app::ModelLoadController::loaded);
        QSignalSpy cancelled(&controller, &cs::app::ModelLoadController::cancelled);
        controller.start([first](const cs::ProgressCallback&) {
            first->wait();
            cs::app::ModelLoadResult r;
            r.summary.path = "first.pt";
            return r;
        });
        QTRY_VERIFY(first->reached.load());
        QElapsedTimer t;
        t.start();
        controller.start([](const cs::ProgressCallback&) {
            cs::app::ModelLoadResult r;
            r.summary.path = "second.pt";
            return r;
        });
        QVERIFY2(t.elapsed() < 1000, "superseding a model load waited on the GUI thread");
        first->open = true;
        QTRY_VERIFY(!controller.isRunning());
        QCOMPARE(loaded.count(), 1);
        QCOMPARE(loaded.first().at(0).value<cs::app::ModelLoadResult>().summary.path, std::string("second.pt"));
        QCOMPARE(cancelled.count(), 0);
    }

    void modelLoadCancelIsNotAnError()
    {
        cs::app::ModelLoadController controller;
        QSignalSpy failed(&controller, &cs::app::ModelLoadController::failed);
        QSignalSpy cancelled(&controller, &cs::app::ModelLoadController::cancelled);
        auto gate = std::make_shared<Gate>();
        controller.start([gate](const cs::ProgressCallback& progress) {
            gate->wait();
            if (!progress(cs::ProgressInfo{"loading", 0, 1, 0, {}}))
                throw cs::JobCancelled();
            return cs::app::ModelLoadResult{};
        });
        cancelAtGate(controller, *gate);
        QCOMPARE(cancelled.count(), 1);
        QCOMPARE(failed.count(), 0);
    }

    void evaluationErrorOfAnyTypeIsSignalled()
    {
        cs::app::EvaluationController controller(JobRunner::Policy::Refuse);
        controller.setJob([](const cs::EvaluationInput&, const cs::EvaluationConfig&,
                             const cs::ProgressCallback&) -> cs::EvaluationResult { throw 42; });
        QSignalSpy failed(&controller, &cs::app::EvaluationController::evaluationFailed);
        QVERIFY(controller.start(cs::CalibrationResult{}, cs::EvaluationConfig{}));
        QTRY_VERIFY(!controller.isRunning());
        QCOMPARE(failed.count(), 1);
        QVERIFY(failed.first().at(0).toString().contains(QStringLiteral("unknown error")));
    }

    void evaluationRefusesWhileRunning()
    {
        cs::app::EvaluationController controller(JobRunner::Policy::Refuse);
        auto gate = std::make_shared<Gate>();
        controller.setJob([gate](const cs::EvaluationInput&, const cs::EvaluationConfig&,
                                 const cs::ProgressCallback&) {
            gate->wait();
            return cs::EvaluationResult{};
        });
        QSignalSpy available(&controller, &cs::app::EvaluationController::evaluationAvailable);
        QVERIFY(controller.start(cs::CalibrationResult{}, cs::EvaluationConfig{}));
        QVERIFY(!controller.start(cs::CalibrationResult{}, cs::EvaluationConfig{}));
        gate->open = true;
        QTRY_VERIFY(!controller.isRunning());
        QCOMPARE(available.count(), 1);
    }
};

QTEST_MAIN(TestJobRunner)
#include "test_job_runner.moc"

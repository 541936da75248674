<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>cs::app::MainWindow</name>
    <message>
        <source>calibscope</source>
        <translation>calibscope</translation>
    </message>
    <message>
        <source>No model loaded. Use File ▸ Open Model… or File ▸ Load Demo.</source>
        <translation>未加载模型。请使用 文件 ▸ 打开模型… 或 文件 ▸ 加载演示。</translation>
    </message>
    <message>
        <source>No dataset.</source>
        <translation>未选择数据集。</translation>
    </message>
    <message>
        <source>Filter ops by name, kind or module…</source>
        <translation>按名称、类型或模块筛选算子…</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;Model…</source>
        <translation>打开模型(&amp;M)…</translation>
    </message>
    <message>
        <source>Open TorchScript model</source>
        <translation>打开 TorchScript 模型</translation>
    </message>
    <message>
        <source>TorchScript models (*.pt *.pth *.ts);;All files (*)</source>
        <translation>TorchScript 模型 (*.pt *.pth *.ts);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Open &amp;Dataset…</source>
        <translation>打开数据集(&amp;D)…</translation>
    </message>
    <message>
        <source>Open image folder or dataset folder</source>
        <translation>打开图像文件夹或数据集文件夹</translation>
    </message>
    <message>
        <source>Load &amp;Demo</source>
        <translation>加载演示(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About calibscope</source>
        <translation>关于 calibscope(&amp;A)</translation>
    </message>
    <message>
        <source>About calibscope</source>
        <translation>关于 calibscope</translation>
    </message>
    <message>
        <source>calibscope %1
Interactive post-training-quantization calibration.</source>
        <translation>calibscope %1
交互式训练后量化校准工具。</translation>
    </message>
    <message>
        <source>Loading %1</source>
        <translation>正在加载 %1</translation>
    </message>
    <message>
        <source>Preparing the demo model</source>
        <translation>正在准备演示模型</translation>
    </message>
    <message>
        <source>%1: no such file or folder</source>
        <translation>%1：文件或文件夹不存在</translation>
    </message>
    <message>
        <source>Dataset: %1</source>
        <translation>数据集：%1</translation>
    </message>
    <message>
        <source>%1: %2 of %3 (%4 images/s)</source>
        <translation>%1：%2 / %3（%4 张图像/秒）</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Model: %1 — %2 ops, %3 activation points, %4 weight points, %5 parameters</source>
        <translation>模型：%1 — %2 个算子，%3 个激活量化点，%4 个权重量化点，%5 个参数</translation>
    </message>
    <message>
        <source>Demo: Fashion-MNIST CNN, float test accuracy %1 %</source>
        <translation>演示：Fashion-MNIST 卷积网络，浮点测试准确率 %1 %</translation>
    </message>
    <message>
        <source>Dataset: Fashion-MNIST calibration split (see %1)</source>
        <translation>数据集：Fashion-MNIST 校准子集（见 %1）</translation>
    </message>
    <message>
        <source>calibscope — %1</source>
        <translation>calibscope — %1</translation>
    </message>
</context>
<context>
    <name>cs::ui::LogView</name>
    <message>
        <source>debug</source>
        <translation>调试</translation>
    </message>
    <message>
        <source>info</source>
        <translation>信息</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
</context>
<context>
    <name>cs::ui::OpTableModel</name>
    <message>
        <source>input point</source>
        <translation>输入量化点</translation>
    </message>
    <message>
        <source>shares %1</source>
        <translation>共用 %1</translation>
    </message>
    <message>
        <source>fused into %1</source>
        <translation>融合到 %1</translation>
    </message>
    <message>
        <source>point</source>
        <translation>量化点</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Module</source>
        <translation>模块</translation>
    </message>
    <message>
        <source>Output shape</source>
        <translation>输出形状</translation>
    </message>
    <message>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>权重</translation>
    </message>
</context>
</TS>